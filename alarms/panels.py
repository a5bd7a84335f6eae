"""The alarm section of the case page: police readers only (device details are
police-internal; social services see the measure "Skyddslarm/larmtelefon" in the case-work
section). A fixed number of queries whatever the number of loans."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from alarms import hooks, loans
from alarms.models import AlarmEvent, Loan
from cases import caserows
from cases.access import CaseAccess


def loans_of(case_access: CaseAccess) -> list[Loan]:
    rows = list(
        Loan.objects.filter(case=case_access.case)
        .select_related("device__kind", "carrier__person")
        .order_by("ended_on", "-started_on", "-pk")
    )
    for loan in rows:
        loan.carrier_label = carrier_label(loan, case_access)  # type: ignore[attr-defined]
    return rows


def carrier_label(loan: Loan, case_access: CaseAccess) -> str:
    if loan.carrier is None:
        return "–"
    role = loan.carrier.get_role_display()
    if case_access.shows("scope_persons"):
        return f"{role}: {loan.carrier.person.full_name}"
    return role


def case_panel(case_access: CaseAccess) -> dict[str, Any]:
    if not loans.shows_loans(case_access):
        return {}
    # A case that never had a loan is not asked for its loans (cases.caserows.has).
    rows = loans_of(case_access) if caserows.has(case_access, Loan) else []
    active = [loan for loan in rows if loan.is_active]
    # An alarm event belongs to a loan: a case that never had one has no events (most
    # cases; two queries less on the case page).
    events = (
        list(
            AlarmEvent.objects.filter(loan__case=case_access.case)
            .select_related("loan__device__kind")
            .order_by("-occurred_at")[:5]
        )
        if rows
        else []
    )
    return {
        "template": "alarms/_case_panel.html",
        "anchor": "alarms-heading",
        "title": _("Larm"),
        "case": case_access.case,
        "active": active,
        "ended": [loan for loan in rows if not loan.is_active][:5],
        "ended_count": len(rows) - len(active),
        "events": events,
        "may_lend": loans.may_lend(case_access),
        "needs_reassessment": bool(rows) and hooks.needs_reassessment(case_access.case),
    }
