"""Writing the case journal: events of the services and a handler's own notes."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from accounts.models import Organisation, User
from cases.models import (
    JournalEntry,
    ProtectionCase,
)
from cases.services.common import _edit_access


def journal(
    case: ProtectionCase,
    user: User | None,
    text: str,
    *,
    kind: str = JournalEntry.Kind.EVENT,
    visibility: str = JournalEntry.Visibility.POLICE_INTERNAL,
    organisation: Organisation | None = None,
) -> JournalEntry:
    return JournalEntry.objects.create(
        case=case,
        author=user,
        author_organisation=organisation,
        kind=kind,
        visibility=visibility,
        occurred_on=timezone.localdate(),
        text=text,
    )


# --- journal --------------------------------------------------------------------------------


def add_journal_entry(
    actor: User,
    case: ProtectionCase,
    *,
    occurred_on: date,
    text: str,
    visibility: str,
) -> JournalEntry:
    """A handler's own note. Only police who may edit write in the journal."""
    case_access = _edit_access(actor, case)
    if not case_access.is_police:
        raise PermissionError("Only police handlers write in the case journal")
    entry = JournalEntry.objects.create(
        case=case,
        author=actor,
        author_organisation=case_access.organisation,
        kind=JournalEntry.Kind.NOTE,
        visibility=visibility,
        occurred_on=occurred_on,
        text=text,
    )
    return entry
