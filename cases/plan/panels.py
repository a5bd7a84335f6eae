"""The plan's section on the case page (listed in cases/panels.py PROVIDERS)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases import caserows
from cases.access import CaseAccess
from cases.models import ProtectionPlan
from cases.plan import services


def case_panel(case_access: CaseAccess) -> dict[str, Any]:
    """Current version, its confirmations and the links; {} outside the reader's scope."""
    if not case_access.shows("scope_plan"):
        return {}
    case = case_access.case
    versions = (
        list(ProtectionPlan.objects.filter(case=case).order_by("-number")[:2])
        if caserows.has(case_access, ProtectionPlan)  # most cases have no plan: not read
        else []
    )
    plan = versions[0] if versions else None
    party = services.party_of(case_access)
    standing = services.standing_confirmations(plan) if plan is not None else []
    # While a new version is being drafted, the version agreed before it is still the last
    # agreed word: point to it.
    previous = versions[1] if plan is not None and plan.is_draft and len(versions) > 1 else None
    return {
        "template": "cases/plan/_panel.html",
        "anchor": "plan-panel-heading",
        "title": _("Skyddsplan"),
        "case": case,
        "plan": plan,
        "previous": previous,
        "standing": standing,
        "waiting_for": services.waiting_for(case_access, plan) if plan is not None else [],
        "may_start": party is not None and case.is_open and (plan is None or not plan.is_draft),
        "may_edit": party is not None and case.is_open and plan is not None and plan.is_draft,
    }
