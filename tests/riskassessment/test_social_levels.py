"""Social services' risk level per case in the lists (riskassessment.listing): one
hand-written statement (issue 16) that must read exactly the rows the ORM query read, in the
same order, and the levels a social-services reader is shown from them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import listing
from riskassessment.listing import social_rows
from riskassessment.models import Assessment, SummaryJudgement, SummaryJudgementDefinition
from tests.factories import make_case, make_disclosure
from tests.riskassessment.test_threat_actors import assess

pytestmark = pytest.mark.django_db


def orm_rows(case_ids: list[int]) -> list[tuple[object, ...]]:
    """riskassessment.listing._social_levels's ORM query before the statement, word for word."""
    return list(
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


def test_the_statement_reads_the_orm_rows_and_social_services_see_what_they_may(
    handler, social, koping
) -> None:
    police_only = make_case(handler)  # a level judgement marked police-only
    assess(handler, police_only, [], "high", "CHECK10", days_ago=3)
    SummaryJudgementDefinition.objects.filter(
        instrument__code="CHECK10", kind=SummaryJudgementDefinition.Kind.LEVEL
    ).update(police_only=True)
    with_risk, without_risk, own = make_case(handler), make_case(handler), make_case(handler)
    for case in (police_only, with_risk, own):
        make_disclosure(case, koping, handlers=[social])
    make_disclosure(without_risk, koping, handlers=[social], scope_risk_summary=False)
    # Several final assessments per case on different days, and a draft.
    assess(handler, with_risk, [], "low", "CHECK10", days_ago=20)
    assess(handler, with_risk, [], "medium", "SARA_SV", days_ago=5)
    assess(handler, without_risk, [], "high", "SARA_SV", days_ago=1)
    assess(social, own, [], "low", "SARA_SV", days_ago=2)
    assess(handler, own, [], "high", "SARA_SV", days_ago=1)  # newer, but the police's
    ids = [police_only.pk, with_risk.pk, without_risk.pk, own.pk, make_case(handler).pk]
    expected = orm_rows(ids)
    assert len(expected) >= 6
    with CaptureQueriesContext(connection) as queries:
        found = social_rows(ids)
    assert found == expected and len(queries) == 1
    shared = [police_only, with_risk, without_risk, own]
    rows = {c.pk: c.summary.risk_levels for c in listing.summarise(social, shared)}
    assert [r.level for r in rows[with_risk.pk]] == ["medium"]
    assert rows[without_risk.pk] is None or rows[without_risk.pk] == []
    assert [r.level for r in rows[own.pk]] == ["high"]  # the police's, risk disclosed
    assert rows[police_only.pk] == []  # a police-only level is never shown to them
