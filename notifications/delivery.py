"""Claim due messages, build them (access checked again), send, mark sent.

Claiming: ``SELECT … FOR UPDATE SKIP LOCKED`` picks rows no other sweep holds, and a
compare-and-set stamps them with this sweep's claim token and a lease; only rows carrying
the token are sent. Marking sent is again a compare-and-set on the token, in the same
transaction as the access-log entries of the case references the mails name, for up to
``MARK_EVERY`` sent messages at a time (one mail connection per batch; the access check
once per batch for all its recipients). A worker killed during a send leaves its messages
``sending``: when the lease runs out the next sweep claims them again and sends each once
more. Failures retry with exponential back-off; after ``MAX_ATTEMPTS`` the message is
``failed`` and shows on the admin's list of undelivered notifications. Logs name message
ids, kinds and counts – never a person.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from cases import access
from cases.models import AccessLogEntry, ProtectionCase
from cases.models.accesslog import LogRow, append_entries
from notifications import rules as rules_module
from notifications.content import Item, groups_for
from notifications.models import Message, Notification, Preference
from notifications.unsubscribe import unsubscribe_url
from skydd import emails

logger = logging.getLogger("notifications")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10
CLAIM_BATCH = 200
# Sent messages are marked (and their access log written) this many at a time.
MARK_EVERY = 50


@dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0
    references: list[int] = field(default_factory=list)  # message ids sent


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the first, second, third failure; at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _claimable(now: datetime) -> Q:
    return Q(status=Message.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Message.Status.SENDING, lease_until__lt=now, attempts__lt=MAX_ATTEMPTS
    )


def claim(now: datetime, limit: int = CLAIM_BATCH) -> tuple[uuid.UUID, list[Message]]:
    token = uuid.uuid4()
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Message.objects.filter(_claimable(now), pk__in=ids).update(
                status=Message.Status.SENDING,
                claim=token,
                lease_until=now + LEASE,
                attempts=F("attempts") + 1,
            )
    # Messages whose lease ran out too often are given up (a send that kills the worker).
    Message.objects.filter(
        status=Message.Status.SENDING, lease_until__lt=now, attempts__gte=MAX_ATTEMPTS
    ).update(status=Message.Status.FAILED, claim=None, last_error="lease expired")
    batch = list(Message.objects.filter(claim=token).select_related("recipient").order_by("pk"))
    return token, batch


def _error_text(exc: BaseException) -> str:
    # Only the class and the SMTP code: the server's text may quote the address.
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(value[0]) for value in exc.recipients.values()})
        code = ",".join(codes)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]


def _fail(message: Message, token: uuid.UUID, now: datetime, exc: BaseException) -> str:
    gave_up = message.attempts >= MAX_ATTEMPTS
    status = Message.Status.FAILED if gave_up else Message.Status.PENDING
    Message.objects.filter(pk=message.pk, claim=token).update(
        status=status,
        claim=None,
        lease_until=None,
        next_attempt_at=now + backoff(message.attempts),
        last_error=_error_text(exc),
    )
    logger.warning(
        "notifications: message %s (%s) not sent, attempt %s: %s",
        message.pk,
        message.kind,
        message.attempts,
        _error_text(exc),
    )
    return "failed" if gave_up else "retried"


def _drop(message: Message, token: uuid.UUID) -> bool:
    return bool(
        Message.objects.filter(pk=message.pk, claim=token).update(
            status=Message.Status.DROPPED, claim=None, lease_until=None
        )
    )


Row = tuple[int, str, int | None, dict[str, Any]]


def _reminder_email(
    template: str, context: dict[str, Any], *, to: str, user_id: int, language: str
) -> EmailMultiAlternatives:
    """A digest or notice in the recipient's language, with the signed one-click unsubscribe
    link in the body and in the List-Unsubscribe headers (RFC 8058)."""
    link = unsubscribe_url(user_id)
    context = {
        **context,
        "unsubscribe_url": link,
        "preferences_url": emails.absolute(reverse("notifications:preferences")),
        "language": language,
    }
    return emails.build(
        f"notifications/{template}",
        [to],
        context,
        language=language,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
        long_headers=True,
    )


def _build(
    message: Message,
    pref: Preference | None,
    rows: list[Row],
    cases: dict[int, tuple[str, str]],
    allowed: set[int],
) -> tuple[EmailMultiAlternatives | None, list[int], list[int]]:
    """The e-mail (or None: nothing left to say), the ids of the items it carries and the
    ids of the cases it names. ``rows``: the message's pending items; ``cases``: id →
    (reference, key) of every case the batch names; ``allowed``: the ids of those cases the
    recipient may open now (``access.openable_case_ids_for``, checked again per batch)."""
    user = message.recipient
    rules = rules_module.by_name()
    muted = set(pref.muted_rules) if pref else set()
    digest_off = pref is not None and not pref.digest and message.kind == Message.Kind.DIGEST
    keep = [
        row
        for row in rows
        if row[1] in rules and not digest_off and (rules[row[1]].urgent or row[1] not in muted)
    ]
    if not user.is_active:
        keep = []
    # Access is checked again now: an item whose case the reader can no longer open goes.
    keep = [
        row
        for row in keep
        if row[2] in allowed or (row[2] is None and rules[row[1]].allows(user, row[3]))
    ]
    if not keep:
        return None, [], []
    groups = groups_for(
        (Item(rule, case_id, params) for _pk, rule, case_id, params in keep),
        {pk: cases[pk] for pk in allowed if pk in cases},
        absolute_links=True,
    )
    total = sum(group.count for group in groups)
    template = "digest" if message.kind == Message.Kind.DIGEST else "notice"
    day = message.key.split(":", 1)[1] if message.kind == Message.Kind.DIGEST else ""
    email = _reminder_email(
        template,
        {"groups": groups, "total": total, "day": day, "first": groups[0].entries[0]},
        to=user.email,
        user_id=user.pk,
        language=pref.language if pref else "sv",
    )
    return email, [row[0] for row in keep], sorted({row[2] for row in keep if row[2]})


@dataclass
class _Sent:
    message: Message
    item_ids: list[int]
    case_ids: list[int]


def _mark_sent(
    sent: list[_Sent],
    token: uuid.UUID,
    cases: dict[int, tuple[str, str]],
    units: dict[int, int],
) -> list[_Sent]:
    """Compare-and-set the sent messages to sent and write the access log of the case
    references they name, in one transaction and a fixed number of queries (the items'
    own status is bookkeeping, set for the whole batch after). Returns those marked (a
    message whose claim was taken over is not)."""
    if not sent:
        return []
    now = timezone.now()
    with transaction.atomic():
        ours = set(
            Message.objects.select_for_update()
            .filter(pk__in=[s.message.pk for s in sent], claim=token)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=ours).update(
            status=Message.Status.SENT, claim=None, lease_until=None, sent_at=now, last_error=""
        )
        marked = [s for s in sent if s.message.pk in ours]
        rows: list[LogRow] = []
        for entry in marked:
            user = entry.message.recipient
            orgs = access.police_unit_ids(user) + access.social_org_ids(user)  # prefetched
            what = f"e-post: {entry.message.get_kind_display().lower()}"
            rows += [
                LogRow(
                    user.pk,
                    orgs[0] if orgs else None,
                    case_id,
                    cases[case_id][0] if case_id in cases else "",
                    AccessLogEntry.Channel.EMAIL.value,
                    what,
                    True,
                    case_unit_id=units.get(case_id),
                )
                for case_id in entry.case_ids
            ]
        append_entries(rows)
    return marked


def deliver(messages: Iterable[Message], token: uuid.UUID, now: datetime) -> DeliveryResult:
    """Send a claimed batch over one mail connection, in a number of queries that does not
    grow with the cases per recipient or the recipients per batch: preferences, items, case
    references and the access check (``access.openable_case_ids_for``) once per batch; the
    marking as sent and the access log once per ``MARK_EVERY`` messages (a worker killed
    in between re-sends at most those, once, after the lease)."""
    result = DeliveryResult()
    messages = list(messages)
    ids = [m.pk for m in messages]
    prefs = {
        p.user_id: p
        for p in Preference.objects.filter(user_id__in={m.recipient_id for m in messages})
    }
    rows: dict[int, list[Row]] = defaultdict(list)
    for pk, message_id, rule, case_id, params in Notification.objects.filter(
        message_id__in=ids, status=Notification.Status.PENDING
    ).values_list("pk", "message_id", "rule", "case_id", "params"):
        rows[message_id].append((pk, rule, case_id, params))
    case_ids = {row[2] for items in rows.values() for row in items if row[2] is not None}
    found = list(
        ProtectionCase.objects.filter(pk__in=case_ids).values_list(
            "pk", "reference", "key", "unit_id"
        )
    )
    cases = {pk: (reference, str(key)) for pk, reference, key, _unit in found}
    units = {pk: unit_id for pk, _ref, _key, unit_id in found}
    # One recipient object per user, so that the memberships are loaded once.
    users = {m.recipient_id: m.recipient for m in messages}
    for message in messages:
        message.recipient = users[message.recipient_id]
    allowed = access.openable_case_ids_for(users.values(), case_ids)
    finished: list[int] = []
    carried: list[int] = []
    unmarked: list[_Sent] = []

    def flush() -> None:
        for entry in _mark_sent(unmarked, token, cases, units):
            result.sent += 1
            result.references.append(entry.message.pk)
            finished.append(entry.message.pk)
            carried.extend(entry.item_ids)
        unmarked.clear()

    mailer = mail.mailers.default
    opened = False
    for message in messages:
        try:
            email, item_ids, named = _build(
                message,
                prefs.get(message.recipient_id),
                rows[message.pk],
                cases,
                allowed[message.recipient_id],
            )
            if email is None:
                if _drop(message, token):
                    finished.append(message.pk)
                result.dropped += 1
                continue
            if not opened:
                mailer.open()
                opened = True
            mailer.send_messages([email])
        except Exception as exc:  # any failure: retry later, never lose the message
            outcome = _fail(message, token, now, exc)
            setattr(result, outcome, getattr(result, outcome) + 1)
            with contextlib.suppress(Exception):  # a broken connection is closed already
                mailer.close()
            opened = False
            continue
        unmarked.append(_Sent(message, item_ids, named))
        if len(unmarked) >= MARK_EVERY:
            flush()
    flush()
    Notification.objects.filter(pk__in=carried).update(status=Notification.Status.SENT)
    # What a sent or empty message did not carry (access gone, rule muted) is struck.
    Notification.objects.filter(message_id__in=finished, status=Notification.Status.PENDING).update(
        status=Notification.Status.DROPPED
    )
    if opened:
        mailer.close()
    logger.info(
        "notifications: %s sent, %s to retry, %s failed, %s with nothing left",
        result.sent,
        result.retried,
        result.failed,
        result.dropped,
    )
    return result
