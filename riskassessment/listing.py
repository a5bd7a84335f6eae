"""The latest risk level per case for case lists and the case header
(``cases.extensions.case_risk_levels``, registered in RiskassessmentConfig.ready).

One query whatever the number of cases. The reader sees what the case page would show them
(riskassessment.policy): police readers the police's final assessments; social services
their own organisation's and – with a disclosed risk scope – the police's final ones, never
a police-only (intelligence) judgement. The list is per case so that a level per threat
actor (once assessments name one) fits: today one entry, labelled with the instrument.
"""

from __future__ import annotations

from accounts.models import Organisation
from cases import caserows
from cases.listing import ListReader, RiskLevel
from riskassessment.models import Assessment, Level, SummaryJudgement, SummaryJudgementDefinition

RISK_SCOPES = ("scope_risk_summary", "scope_risk_full")


def _visible(reader: ListReader, unit_id: int, case_id: int, org_id: int, org_kind: str) -> bool:
    if unit_id in reader.police_unit_ids:
        return org_kind == Organisation.Kind.POLICE_UNIT
    if org_id in reader.social_org_ids:
        return True
    scopes = reader.disclosed_scopes.get(case_id, frozenset())
    return org_kind == Organisation.Kind.POLICE_UNIT and bool(scopes & set(RISK_SCOPES))


def case_risk_levels(case_ids: list[int], reader: ListReader) -> dict[int, list[RiskLevel]]:
    """Police readers: the latest level per threat actor (riskassessment.services.risk, the
    one lookup of issue 11). Social services: one level per case from the assessments they
    may see, never from a police-only judgement."""
    from riskassessment.services.risk import case_risk_levels as per_actor
    from riskassessment.services.risk import level_label, police_levels_of_page

    result: dict[int, list[RiskLevel]] = {}
    if reader.page is not None and not caserows.has(reader.page, Assessment):
        return result  # the case page's case has no assessment at all
    police = [pk for pk in case_ids if pk in reader.police_case_ids]
    if police:
        found = (
            police_levels_of_page(reader.page, reader.threat_actors)
            if reader.page is not None
            else per_actor(police, threat_actors=reader.threat_actors)
        )
        for case_id, levels in found.items():
            result[case_id] = [
                RiskLevel(label=label, level=level, display=level_label(level))
                for label, level in levels
            ]
    others = [pk for pk in case_ids if pk not in reader.police_case_ids]
    if others:
        result.update(_social_levels(others, reader))
    return result


def _social_levels(case_ids: list[int], reader: ListReader) -> dict[int, list[RiskLevel]]:
    rows = (
        SummaryJudgement.objects.filter(
            assessment__case_id__in=case_ids,
            assessment__status=Assessment.Status.FINAL,
            definition__kind=SummaryJudgementDefinition.Kind.LEVEL,
        )
        .exclude(level="")
        .order_by(
            "assessment__case_id",
            "-assessment__assessed_on",
            "-assessment__finalised_at",
            "-assessment_id",
            "definition__order",
            "definition_id",
        )
        .values_list(
            "assessment__case_id",
            "assessment__case__unit_id",
            "assessment_id",
            "assessment__organisation_id",
            "assessment__organisation__kind",
            "assessment__instrument__name",
            "definition__police_only",
            "level",
        )
    )
    chosen: dict[int, int] = {}  # case id -> the latest visible assessment id
    result: dict[int, list[RiskLevel]] = {}
    for case_id, unit_id, assessment_id, org_id, org_kind, instrument, police_only, level in rows:
        if case_id in chosen and chosen[case_id] != assessment_id:
            continue
        if not _visible(reader, unit_id, case_id, org_id, org_kind):
            continue
        if police_only and unit_id not in reader.police_unit_ids:
            continue
        if case_id in chosen:
            continue  # the headline (first level judgement) of that assessment is taken
        chosen[case_id] = assessment_id
        result[case_id] = [
            RiskLevel(label=instrument, level=level, display=str(Level(level).label))
        ]
    return result
