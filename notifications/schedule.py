"""Materialise what is due into the outbox (notifications.models).

Digests: the digest of local day D is due at D's ``NOTIFICATIONS_DIGEST_TIME`` (06:30
Europe/Stockholm by default). The first sweep at or after that time writes every digest of
the day – one ``Message`` per user with something due, its items as ``Notification`` rows –
and a ``DigestRun`` row for the day, in one transaction; the unique day makes a second or
concurrent sweep skip. Only the latest slot is caught up after a stop, so a scheduler that
was down for three days sends one digest, not three.

Notices: urgent rules are evaluated on every sweep; each new (recipient, rule, subject,
period) becomes one item in its own immediate ``Message``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from notifications import rules as rules_module
from notifications.models import DigestRun, Message, Notification, Preference
from notifications.rules import Due, Rule

BATCH = 2000


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def digest_time() -> time:
    hour, minute = settings.NOTIFICATIONS_DIGEST_TIME.split(":")
    return time(int(hour), int(minute))


def slot_at(day: date) -> datetime:
    return datetime.combine(day, digest_time(), tzinfo=_zone())


def latest_slot(now: datetime) -> date:
    """The local day of the latest digest slot at or before ``now``."""
    local = now.astimezone(_zone())
    return local.date() if local.time() >= digest_time() else local.date() - timedelta(days=1)


@dataclass(frozen=True)
class Candidate:
    rule: Rule
    due: Due


def _collect(now: datetime, rules: list[Rule]) -> list[Candidate]:
    """Everything the rules say is due, minus inactive recipients, the actor of an event,
    turned-off digests and muted (non-urgent) rules."""
    found: dict[tuple[int, str, str], Candidate] = {}
    for rule in rules:
        for due in rule.due(now):
            if due.recipient_id == due.actor_id:
                continue
            found.setdefault((due.recipient_id, rule.name, due.subject), Candidate(rule, due))
    recipients = {key[0] for key in found}
    active = set(
        User.objects.filter(pk__in=recipients, is_active=True).values_list("pk", flat=True)
    )
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=recipients)}
    result = []
    for (recipient_id, rule_name, _subject), candidate in found.items():
        if recipient_id not in active:
            continue
        pref = prefs.get(recipient_id)
        if pref and not candidate.rule.urgent and rule_name in pref.muted_rules:
            continue
        result.append(candidate)
    return result


def _digest_candidates(now: datetime) -> list[Candidate]:
    candidates = _collect(now, rules_module.registered())
    off = set(Preference.objects.filter(digest=False).values_list("user_id", flat=True))
    return [c for c in candidates if c.due.recipient_id not in off]


def digests_due(now: datetime) -> date | None:
    day = latest_slot(now)
    return None if DigestRun.objects.filter(day__gte=day).exists() else day


def write_digests(now: datetime) -> int:
    """Write the digests of the latest slot if no sweep has; returns the number written."""
    day = digests_due(now)
    if day is None:
        return 0
    due_at = slot_at(day)
    key = f"digest:{day.isoformat()}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = DigestRun.objects.create(day=day)
        except IntegrityError:
            return 0  # another sweep is writing (or wrote) this day's digests
        by_recipient: dict[int, list[Candidate]] = defaultdict(list)
        for candidate in _digest_candidates(now):
            by_recipient[candidate.due.recipient_id].append(candidate)
        Message.objects.bulk_create(
            [
                Message(
                    recipient_id=recipient_id,
                    kind=Message.Kind.DIGEST,
                    key=key,
                    due_at=due_at,
                    next_attempt_at=due_at,
                )
                for recipient_id in by_recipient
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        message_ids = dict(
            Message.objects.filter(key=key, status=Message.Status.PENDING).values_list(
                "recipient_id", "pk"
            )
        )
        _insert_items(
            (c, day.isoformat(), message_ids[recipient_id])
            for recipient_id, candidates in by_recipient.items()
            if recipient_id in message_ids
            for c in candidates
        )
        run.messages = len(message_ids)
        run.save(update_fields=["messages"])
    return len(message_ids)


_UNNEST = """
INSERT INTO notifications_notification
    (recipient_id, rule, subject, period, case_id, params, actor_id, message_id, status,
     created_at)
SELECT r, ru, su, pe, ca, pa::jsonb, ac, me, 'pending', now()
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[],
            %s::bigint[], %s::bigint[]) AS t(r, ru, su, pe, ca, pa, ac, me)
ON CONFLICT DO NOTHING
"""


def _insert_items(rows: Iterable[tuple[Candidate, str, int]]) -> None:
    """Insert items, skipping any whose unique key exists. On PostgreSQL one statement per
    ``BATCH`` rows from arrays (the nightly run writes tens of thousands; building ORM
    objects for each costs more than the insert); elsewhere (SQLite under ``make run``)
    ``bulk_create``."""
    rows = list(rows)
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [_item(*row) for row in rows], batch_size=BATCH, ignore_conflicts=True
        )
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 5):
            chunk = rows[start : start + BATCH * 5]
            cursor.execute(
                _UNNEST,
                [
                    [c.due.recipient_id for c, _p, _m in chunk],
                    [c.rule.name for c, _p, _m in chunk],
                    [c.due.subject for c, _p, _m in chunk],
                    [period for _c, period, _m in chunk],
                    [c.due.case_id for c, _p, _m in chunk],
                    [json.dumps(c.due.params) for c, _p, _m in chunk],
                    [c.due.actor_id for c, _p, _m in chunk],
                    [message_id for _c, _p, message_id in chunk],
                ],
            )


def _item(candidate: Candidate, period: str, message_id: int) -> Notification:
    due = candidate.due
    return Notification(
        recipient_id=due.recipient_id,
        rule=candidate.rule.name,
        subject=due.subject,
        period=period,
        case_id=due.case_id,
        params=due.params,
        actor_id=due.actor_id,
        message_id=message_id,
    )


def _notice_key(candidate: Candidate) -> str:
    return f"notice:{candidate.rule.name}:{candidate.due.subject}:{candidate.due.period}"


def notices_due(now: datetime) -> list[Candidate]:
    urgent = [rule for rule in rules_module.registered() if rule.urgent]
    candidates = _collect(now, urgent)
    if not candidates:
        return []
    existing = set(
        Message.objects.filter(
            kind=Message.Kind.NOTICE, key__in={_notice_key(c) for c in candidates}
        ).values_list("recipient_id", "key")
    )
    return [c for c in candidates if (c.due.recipient_id, _notice_key(c)) not in existing]


def write_notices(now: datetime) -> int:
    """One immediate message per new urgent item; returns the number written."""
    new = notices_due(now)
    if not new:
        return 0
    with transaction.atomic():
        created = Message.objects.bulk_create(
            [
                Message(
                    recipient_id=c.due.recipient_id,
                    kind=Message.Kind.NOTICE,
                    key=_notice_key(c),
                    due_at=now,
                    next_attempt_at=now,
                )
                for c in new
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        ids = {
            (recipient_id, key): pk
            for recipient_id, key, pk in Message.objects.filter(
                kind=Message.Kind.NOTICE, key__in={_notice_key(c) for c in new}
            ).values_list("recipient_id", "key", "pk")
        }
        _insert_items(
            (c, c.due.period or "once", ids[(c.due.recipient_id, _notice_key(c))]) for c in new
        )
    return len(created)
