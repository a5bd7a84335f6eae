"""The risk-assessment section of the case page (listed in cases/panels.py PROVIDERS)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases.access import CaseAccess
from riskassessment import services

HISTORY_ROWS = 5


def case_panel(case_access: CaseAccess) -> dict[str, Any]:
    """The latest final assessment's summary on top, the history below, as this reader may
    see them (services decide from the CaseAccess scopes; nothing is re-decided here)."""
    rows = services.assessment_rows(case_access)
    latest = next((r for r in rows if r.assessment.is_final), None)
    own_drafts = [
        r for r in rows if not r.assessment.is_final and services.owns(case_access, r.assessment)
    ]
    full = [r for r in rows if r.is_full]
    return {
        "template": "riskassessment/_case_panel.html",
        "anchor": "ra-panel-heading",
        "title": _("Riskbedömning"),
        # The latest risk level belongs at the top of the case page (issue 5).
        "top": True,
        "latest": latest,
        "drafts": own_drafts,
        "history": rows[:HISTORY_ROWS],
        "more": len(rows) > HISTORY_ROWS,
        "may_assess": services.may_assess(case_access),
        "may_compare": len(full) >= 2,
        "is_police": case_access.is_police,
        "organisation": case_access.organisation,
        "case": case_access.case,
    }
