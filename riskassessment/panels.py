"""The risk-assessment section of the case page (listed in cases/panels.py PROVIDERS)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases import caserows
from cases.access import CaseAccess, received_scopes
from riskassessment import services
from riskassessment.models import Assessment
from riskassessment.policy import visible_assessments
from riskassessment.services.risk import police_levels_of_page

HISTORY_ROWS = 5


def case_panel(case_access: CaseAccess) -> dict[str, Any]:
    """The latest final assessment's summary on top, the history below, as this reader may
    see them (services decide from the CaseAccess scopes; nothing is re-decided here)."""
    received = received_scopes(case_access)  # one query, for both lookups below
    # A case without any assessment (most) is not asked for them (cases.caserows.has).
    has_any = caserows.has(case_access, Assessment)
    rows = services.assessment_rows(case_access, received) if has_any else []
    latest = next((r for r in rows if r.assessment.is_final), None)
    own_drafts = [
        r for r in rows if not r.assessment.is_final and services.owns(case_access, r.assessment)
    ]
    full = [r for r in rows if r.is_full]
    return {
        # The levels come from the final ones among these same visible assessments: with
        # none, there is no level to look up (two queries less on most case pages).
        "risk_levels": _risk_levels(case_access, received) if latest is not None else [],
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


def _risk_levels(case_access: CaseAccess, received: frozenset[str]) -> list[dict[str, str]]:
    """The latest risk per threat actor (issue 11) from the assessments this reader sees,
    through the one lookup ``services.case_risk_levels``; named where persons are shown."""
    case = case_access.case
    visible = visible_assessments(case_access, received)
    names: list[str] = []
    actors: dict[int, list[int]] | None = None
    if case_access.shows("scope_persons"):  # the person cards' rows, read once
        threat_actors = caserows.threat_actors(case_access)
        names = [p.person.full_name for p in threat_actors]
        actors = {case.pk: [p.pk for p in threat_actors]}
    # Police who received no risk scope back see the police's own assessments: the default
    # set of case_risk_levels, read in its one statement (issue 16).
    police_only = case_access.is_police and not received & {
        "scope_risk_summary",
        "scope_risk_full",
    }
    if police_only:  # the case header's levels (riskassessment.listing), read once
        levels = police_levels_of_page(case_access, actors).get(case.pk, [])
    else:
        levels = services.case_risk_levels(
            [case.pk], assessments=visible, threat_actors=actors
        ).get(case.pk, [])
    result = []
    for label, level in levels:
        number = int(label.rsplit(" ", 1)[-1]) if label and label[-1].isdigit() else 0
        result.append(
            {
                "label": label,
                "name": names[number - 1] if 0 < number <= len(names) else "",
                "level": level,
                "level_label": services.level_label(level),
            }
        )
    return result
