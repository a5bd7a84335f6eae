"""One sweep: write what is due, then claim, build and send it (see schedule.py and
delivery.py). Run by Celery beat (notifications.tasks.sweep_notifications), by
``manage.py send_notifications`` and, under ``make run``, every minute by that command's
``--every`` loop."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from notifications import delivery, schedule
from notifications.models import Message, SweepState

logger = logging.getLogger("notifications")


@dataclass
class SweepResult:
    digests: int = 0
    notices: int = 0
    delivery: delivery.DeliveryResult = field(default_factory=delivery.DeliveryResult)


def sweep(now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    result.digests = schedule.write_digests(now)
    result.notices = schedule.write_notices(now)
    while True:
        token, batch = delivery.claim(now)
        if not batch:
            break
        outcome = delivery.deliver(batch, token, now)
        for name in ("sent", "retried", "failed", "dropped"):
            setattr(result.delivery, name, getattr(result.delivery, name) + getattr(outcome, name))
        result.delivery.references += outcome.references
    SweepState.objects.update_or_create(name="sweep", defaults={"last_success_at": timezone.now()})
    logger.info(
        "notifications: sweep wrote %s digests and %s notices; sent %s",
        result.digests,
        result.notices,
        result.delivery.sent,
    )
    return result


def dry_run(now: datetime | None = None) -> list[str]:
    """What a sweep would write and send now, as lines without personal data (rule names,
    counts, message ids)."""
    now = now or timezone.now()
    lines: list[str] = []
    day = schedule.digests_due(now)
    if day is not None:
        candidates = schedule._digest_candidates(now)
        recipients = {c.due.recipient_id for c in candidates}
        lines.append(f"Sammanställningar för {day.isoformat()}: {len(recipients)} mottagare")
        for rule, count in sorted(Counter(c.rule.name for c in candidates).items()):
            lines.append(f"  {rule}: {count} poster")
    else:
        lines.append("Dagens sammanställningar är redan skrivna.")
    notices = schedule.notices_due(now)
    lines.append(f"Nya brådskande meddelanden: {len(notices)}")
    for rule, count in sorted(Counter(c.rule.name for c in notices).items()):
        lines.append(f"  {rule}: {count}")
    waiting = Message.objects.filter(delivery._claimable(now)).order_by("pk")
    lines.append(f"Meddelanden att skicka nu: {waiting.count()}")
    for pk, kind, attempts in waiting.values_list("pk", "kind", "attempts")[:200]:
        lines.append(f"  meddelande {pk} ({kind}), försök hittills: {attempts}")
    return lines
