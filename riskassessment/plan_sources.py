"""What the joint protection plan (``cases.plan``) shows of risk assessments: registered in
``cases.extensions.plan_sources`` from ``RiskassessmentConfig.ready()`` (``cases`` imports
no risk-assessment code)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from accounts.models import Organisation
from cases.models import ProtectionCase
from riskassessment.models import (
    Assessment,
    RatingScale,
    ScaleStep,
    SummaryJudgement,
    SummaryJudgementDefinition,
)


def latest_final_assessments(case: ProtectionCase) -> list[Assessment]:
    """The latest final assessment per instrument (any instrument version), newest first.

    Police assessments only: the plan is read by both parties, and a social-services
    assessment reaches the police only when social services disclose it back (issue 5),
    which the plan cannot know for every future reader. Level judgements only (no texts:
    Hotbildsanalys' analysis is intelligence material).
    """
    judgements = SummaryJudgement.objects.filter(
        definition__kind=SummaryJudgementDefinition.Kind.LEVEL
    ).select_related("definition")
    finals = (
        Assessment.objects.filter(
            case=case,
            status=Assessment.Status.FINAL,
            organisation__kind=Organisation.Kind.POLICE_UNIT,
        )
        .select_related("instrument")
        .prefetch_related(Prefetch("judgements", queryset=judgements))
        .order_by("-assessed_on", "-finalised_at", "-pk")
    )
    latest: dict[str, Assessment] = {}
    for assessment in finals:
        latest.setdefault(assessment.instrument.code, assessment)
    return list(latest.values())


def _assessment_rows(case: ProtectionCase) -> list[dict[str, Any]]:
    rows = []
    for assessment in latest_final_assessments(case):
        judgements = sorted(assessment.judgements.all(), key=lambda j: j.definition.order)
        rows.append(
            {
                "instrument": assessment.instrument.name,
                "instrument_version": assessment.instrument.version,
                "assessed_on": assessment.assessed_on.isoformat() if assessment.assessed_on else "",
                "levels": [
                    {"label": j.definition.label, "level": j.level} for j in judgements if j.level
                ],
            }
        )
    return rows


class PlanSource:
    """The plan's section 2 (hotbild): the latest final police assessment per instrument."""

    def collect(self, case: ProtectionCase) -> dict[str, Any]:
        return {"assessments": _assessment_rows(case)}

    def labels(self) -> dict[str, dict[str, str]]:
        steps = ScaleStep.objects.filter(scale__use=RatingScale.Use.JUDGEMENT).order_by(
            "scale__code", "order"
        )
        return {"level": {step.code: step.label for step in steps}}


plan_source = PlanSource()
