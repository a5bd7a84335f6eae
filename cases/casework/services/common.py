"""What every case-work service shares: its errors, the access check, the closed-case rule,
the journal entry and the optimistic-locking write."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from accounts.models import User
from cases import errors, guard, journal
from cases.access import CaseAccess
from cases.models import (
    JournalEntry,
    ProtectionCase,
)
from cases.services import ConflictError

# The case-work names of the domain errors (cases.errors), kept for existing callers.
CaseClosedError = errors.CaseClosed


class CaseworkPermissionError(errors.NotAllowed, PermissionError):
    """The user may read the case but not make this change."""


class ClosingBlockedError(errors.Invalid):
    """The case cannot be closed yet; ``blockers`` says why, one sentence each."""

    def __init__(self, blockers: list[str]) -> None:
        self.blockers = blockers
        super().__init__("; ".join(blockers))


def _access(actor: User, case: ProtectionCase) -> CaseAccess:
    """The actor's access to the case, resolved again (not logged: the view logged it)."""
    try:
        return guard.access_for_change(actor, case)
    except errors.NotAllowed as exc:
        raise CaseworkPermissionError() from exc


def _require(allowed: bool) -> None:
    if not allowed:
        raise CaseworkPermissionError()


# Every case-work service that changes a case calls this first inside its transaction.
ensure_open = guard.ensure_open


def _journal(case_access: CaseAccess, code: str, **params: Any) -> JournalEntry:
    """Journal a case-work event (``cases.journal``). Entries by social services are theirs
    to see; everything else stays police-internal (the journal's view decides who reads)."""
    visibility = (
        JournalEntry.Visibility.POLICE_INTERNAL
        if case_access.is_police
        else JournalEntry.Visibility.SHARED
    )
    return journal.record(
        case_access.case,
        case_access.user,
        code,
        visibility=visibility,
        organisation=case_access.organisation,
        **params,
    )


def _bump(model: type[Any], pk: int, expected_version: int | None, **values: Any) -> None:
    """Optimistic locking: write only if nobody saved since ``expected_version`` was read."""
    if expected_version is None:
        raise ConflictError
    updated = model.objects.filter(pk=pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConflictError
