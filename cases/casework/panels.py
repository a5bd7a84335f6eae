"""The case-work section of the case page (listed in cases/panels.py PROVIDERS).

What is shown follows the CaseAccess alone: nothing for a reader without the
"scope_measures" scope; edit links only where the services would allow the change.
A fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cases import caserows
from cases.access import CaseAccess
from cases.casework import services
from cases.models import (
    CaseClosure,
    ContactBan,
    ContactBanBreach,
    LegalHold,
    ProtectiveMeasure,
    SupportInformation,
)

CURRENT_MEASURE_STATUSES = ProtectiveMeasure.CURRENT_STATUSES
DONE_FOLLOW_UPS_ON_PANEL = 3


def case_panel(case_access: CaseAccess) -> dict[str, Any]:
    if not services.shows_casework(case_access):
        return {}
    context = panel_context(case_access, full=False)
    context["template"] = "cases/casework/_panel.html"
    context["anchor"], context["title"] = "casework-heading", _("Åtgärder och uppföljning")
    return context


def panel_context(case_access: CaseAccess, *, full: bool) -> dict[str, Any]:
    case = case_access.case
    is_open = case.is_open
    today = timezone.localdate()

    follow_ups = caserows.follow_ups(case_access)  # shared with the case header
    open_follow_ups = [f for f in follow_ups if f.done_on is None]
    done_follow_ups = [f for f in follow_ups if f.done_on is not None]
    for follow_up in follow_ups:
        follow_up.can_edit = is_open and services.may_change_row(  # type: ignore[attr-defined]
            case_access, follow_up
        )

    measures = list(services.measures_for(case))
    for measure in measures:
        measure.can_edit = is_open and services.may_change_row(  # type: ignore[attr-defined]
            case_access, measure
        )
    current_measures = [m for m in measures if m.status in CURRENT_MEASURE_STATUSES]
    past_measures = [m for m in measures if m.status not in CURRENT_MEASURE_STATUSES]

    # Rows the case has none of are not read (cases.caserows.has: one statement for all).
    bans = list(services.contact_bans_for(case)) if caserows.has(case_access, ContactBan) else []
    for ban in bans:
        ban.protected_label = services.participant_label(  # type: ignore[attr-defined]
            ban.protected_participant, case_access
        )
        ban.restricted_label = services.participant_label(  # type: ignore[attr-defined]
            ban.restricted_participant, case_access
        )
        ban.in_force = bool(  # type: ignore[attr-defined]
            ban.status in ContactBan.IN_FORCE_STATUSES
            and (ban.valid_from is None or ban.valid_from <= today)
            and (ban.valid_until is None or ban.valid_until >= today)
        )
    if full and bans:
        by_ban: dict[int, list[ContactBanBreach]] = defaultdict(list)
        for breach in ContactBanBreach.objects.filter(ban__case=case).order_by("-occurred_on"):
            by_ban[breach.ban_id].append(breach)
        for ban in bans:
            ban.breach_list = by_ban.get(ban.pk, [])  # type: ignore[attr-defined]

    support = (
        list(services.support_information_for(case))
        if caserows.has(case_access, SupportInformation)
        else []
    )
    for row in support:
        row.participant_label = services.participant_label(  # type: ignore[attr-defined]
            row.participant, case_access
        )

    # The closing history shows on the full page and for a closed case only.
    closures = (
        list(
            CaseClosure.objects.filter(case=case)
            .select_related("closed_by", "reopened_by", "closing_note_by")
            .order_by("-closed_at")
        )
        if (full or not is_open) and caserows.has(case_access, CaseClosure)
        else []
    )
    hold = (
        LegalHold.objects.filter(case=case).select_related("set_by").first()
        if caserows.has(case_access, LegalHold)
        else None
    )
    parties = services.editable_parties(case_access)
    police_work = services.may_edit_police_work(case_access)

    return {
        "cw_case": case,
        "full": full,
        "today": today,
        "next_follow_up": open_follow_ups[0] if open_follow_ups else None,
        "missing_next": is_open and not open_follow_ups,
        "open_follow_ups": open_follow_ups,
        "done_follow_ups": done_follow_ups if full else done_follow_ups[:DONE_FOLLOW_UPS_ON_PANEL],
        "done_count": len(done_follow_ups),
        "current_measures": current_measures,
        "past_measures": past_measures,
        "bans": bans,
        "support": support,
        "closure": closures[0] if closures and not is_open else None,
        "closures": closures,
        "legal_hold": hold,
        "can_add": is_open and bool(parties),
        "can_police": is_open and police_work,
        "can_close": is_open and police_work,
        "can_reopen": not is_open and services.may_reopen(case_access),
        "can_add_closing_note": not is_open
        and police_work
        and bool(closures)
        and not closures[0].closing_note,
        "can_legal_hold": services.may_manage_legal_hold(case_access),
        "read_only_reason": _read_only_reason(case_access, bool(parties)),
    }


def _read_only_reason(case_access: CaseAccess, may_change_something: bool) -> str:
    if not case_access.case.is_open:
        return "closed"
    if case_access.via == "break_glass":
        return "break_glass"
    if not may_change_something:
        return "read_only"
    return ""
