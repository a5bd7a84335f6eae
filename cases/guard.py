"""The rules every service that changes a case applies itself, in this order:

1. ``access_for_change(actor, case)``: the actor's access, resolved again through
   ``cases.access`` (not logged: the view logged the read) – ``NotAllowed`` without access;
2. ``require(policy.may_…(case_access, …))``: the area's finer rule – ``NotAllowed``;
3. inside ``transaction.atomic()``: ``ensure_open(case, lock=True)`` – the case row stays
   locked until commit and a closed case raises ``CaseClosed``;
4. write, then journal (``cases.journal.record``).

So the closed-case rule and the edit rights hold for a view, a Celery task or an API alike;
a view's own checks only decide what to show.
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from cases import access, errors
from cases.access import CaseAccess, Need
from cases.models import ProtectionCase


def access_for_change(actor: User, case: ProtectionCase, *, need: Need = "view") -> CaseAccess:
    """The actor's access to the case, or ``NotAllowed`` (no access, break-the-glass not
    stated, or ``need="edit"`` without edit rights)."""
    try:
        return access.get_case_for_user(actor, case.key, need=need, log=False)
    except (Http404, access.BreakGlassRequired) as exc:
        raise errors.NotAllowed() from exc


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise errors.NotAllowed(message)


def ensure_open(case: ProtectionCase, *, lock: bool = False) -> None:
    """Raise ``CaseClosed`` unless the case is open — as the database says now, not as the
    (possibly stale) object says. Inside a transaction pass ``lock=True``: the case row then
    stays locked until commit, so a concurrent closing waits for this change and sees it."""
    rows = ProtectionCase.objects.filter(pk=case.pk)
    if lock:
        rows = rows.select_for_update()
    status = rows.values_list("status", flat=True).first()
    if status is not None and status != case.status:
        case.status = status
    if status != ProtectionCase.Status.OPEN:
        raise errors.CaseClosed(case)
