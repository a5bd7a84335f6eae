"""What every case-work service shares: its errors, the access check, the closed-case rule,
the journal entry and the optimistic-locking write."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import Http404

from accounts.models import User
from cases import access, errors
from cases.access import CaseAccess
from cases.models import (
    JournalEntry,
    ProtectionCase,
)
from cases.services import ConflictError, journal

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
        return access.get_case_for_user(actor, case.key, log=False)
    except (Http404, access.BreakGlassRequired) as exc:
        raise CaseworkPermissionError("No access to the case") from exc


def _require(allowed: bool) -> None:
    if not allowed:
        raise CaseworkPermissionError("Not allowed to change this part of the case")


def ensure_open(case: ProtectionCase, *, lock: bool = False) -> None:
    """Raise CaseClosedError unless the case is open — as the database says now, not as the
    (possibly stale) object says. Inside a transaction pass ``lock=True``: the case row then
    stays locked until commit, so a concurrent closing waits for this change and sees it.

    Every service that changes a case or anything in it should call this first.
    """
    rows = ProtectionCase.objects.filter(pk=case.pk)
    if lock:
        rows = rows.select_for_update()
    status = rows.values_list("status", flat=True).first()
    if status is not None and status != case.status:
        case.status = status
    if status != ProtectionCase.Status.OPEN:
        raise CaseClosedError(case)


def _journal(case_access: CaseAccess, text: str) -> JournalEntry:
    # Entries by social services are theirs to see; everything else stays police-internal
    # (the journal's own view decides what a reader sees).
    visibility = (
        JournalEntry.Visibility.POLICE_INTERNAL
        if case_access.is_police
        else JournalEntry.Visibility.SHARED
    )
    return journal(
        case_access.case,
        case_access.user,
        text,
        visibility=visibility,
        organisation=case_access.organisation,
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
