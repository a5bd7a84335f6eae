"""A handler's own journal notes, and the old free-text entry point.

Events of the services are recorded through ``cases.journal.record`` (structured, rendered in
the reader's language); ``journal()`` below remains for callers that still pass a finished
sentence (it is stored and shown as written).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from cases import guard
from cases.models import JournalEntry, ProtectionCase


def journal(
    case: ProtectionCase,
    user: User | None,
    text: str,
    *,
    kind: str = JournalEntry.Kind.EVENT,
    visibility: str = JournalEntry.Visibility.POLICE_INTERNAL,
    organisation: Organisation | None = None,
) -> JournalEntry:
    """A free-text entry, stored and shown as written. Prefer ``cases.journal.record``."""
    return JournalEntry.objects.create(
        case=case,
        author=user,
        author_organisation=organisation,
        kind=kind,
        visibility=visibility,
        occurred_on=timezone.localdate(),
        text=text,
    )


def add_journal_entry(
    actor: User,
    case: ProtectionCase,
    *,
    occurred_on: date,
    text: str,
    visibility: str,
) -> JournalEntry:
    """A handler's own note, while the case is open. Police who may edit write internal or
    shared notes; a social-services handler with an active disclosure writes in the shared
    journal only (read by the police and by their own organisation, never by another
    recipient: cases.views.detail._journal)."""
    case_access = guard.access_for_change(actor, case)
    if case_access.is_police:
        guard.require(case_access.may_edit)
    else:
        visibility = JournalEntry.Visibility.SHARED
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        return JournalEntry.objects.create(
            case=case,
            author=actor,
            author_organisation=case_access.organisation,
            kind=JournalEntry.Kind.NOTE,
            visibility=visibility,
            occurred_on=occurred_on,
            text=text,
        )
