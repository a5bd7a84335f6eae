"""Shared helpers for the risk-assessment tests (plain functions, not fixtures)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from cases import access
from cases.models import ProtectionCase
from riskassessment import services
from riskassessment.models import Assessment, Instrument, SummaryJudgementDefinition


def sara() -> Instrument:
    return Instrument.objects.get(code="SARA_SV", version="1")


def instrument(code: str) -> Instrument:
    return Instrument.objects.get(code=code, version="1")


def case_access(user: User, case: ProtectionCase) -> access.CaseAccess:
    return access.get_case_for_user(user, case.key, log=False)


def complete_input(
    structure: services.InstrumentStructure, *, rating: str = "J", level: str = "high"
) -> services.AssessmentInput:
    """Every factor rated ``rating``, every judgement filled."""
    data = services.AssessmentInput()
    for factor in structure.factors:
        for frame in structure.frames:
            data.ratings[(factor.pk, frame)] = rating
        data.evidence[factor.pk] = f"Underlag {factor.code}"
    for definition in structure.definitions:
        if definition.kind == SummaryJudgementDefinition.Kind.LEVEL:
            data.judgements[definition.pk] = services.JudgementInput(level=level)
        elif definition.kind == SummaryJudgementDefinition.Kind.YES_NO_TEXT:
            data.judgements[definition.pk] = services.JudgementInput(answer=True, text="Larm")
        else:
            data.judgements[definition.pk] = services.JudgementInput(text="Text")
    return data


def final_assessment(
    user: User,
    case: ProtectionCase,
    instrument_row: Instrument | None = None,
    *,
    rating: str = "J",
    level: str = "high",
    **changes: Any,
) -> Assessment:
    """A final assessment made through the services, as the form would."""
    ca = case_access(user, case)
    instrument_row = instrument_row or sara()
    assessment, _ = services.start_assessment(user, ca.case, instrument=instrument_row)
    data = complete_input(services.load_structure(instrument_row), rating=rating, level=level)
    for key, value in changes.items():
        setattr(data, key, value)
    assessment = services.save_draft(user, assessment, data=data, expected_version=None)
    return services.finalise(user, assessment, expected_version=None)


def form_post(
    assessment: Assessment, *, rating: str = "J", level: str = "high", **extra: Any
) -> dict[str, Any]:
    """POST data of the assessment form with every field filled."""
    structure = services.load_structure(assessment.instrument)
    data: dict[str, Any] = {"version": assessment.version, "assessed_on": "", "notes": ""}
    data["assessed_on"] = assessment.assessed_on.isoformat()
    for factor in structure.factors:
        for frame in structure.frames:
            data[f"r_{factor.pk}_{frame}"] = rating
        data[f"e_{factor.pk}"] = f"Underlag {factor.code}"
    for definition in structure.definitions:
        if definition.kind == SummaryJudgementDefinition.Kind.LEVEL:
            data[f"jl_{definition.pk}"] = level
        elif definition.kind == SummaryJudgementDefinition.Kind.YES_NO_TEXT:
            data[f"ja_{definition.pk}"] = "yes"
            data[f"jt_{definition.pk}"] = "Larm"
        else:
            data[f"jt_{definition.pk}"] = "Text"
    data.update(extra)
    return data


def confirm_finalise(client: Any, assessment: Assessment) -> Any:
    """POST the confirmation page of "Slutför bedömningen" (the form redirects there)."""
    from django.urls import reverse

    assessment.refresh_from_db()
    url = reverse(
        "riskassessment:finalise", kwargs={"key": assessment.case.key, "pk": assessment.pk}
    )
    return client.post(url, {"version": assessment.version})
