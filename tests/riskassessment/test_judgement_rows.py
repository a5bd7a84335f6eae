"""The judgements of ``services.assessment_rows`` (the case page's risk section, the history,
the comparison, the alarm basis) come from one hand-written statement (issue 16); they must
be what the display rules (written out here, ``shown``) make of the ORM's judgements with
their definitions and scales, in the definitions' order, police-only ones kept from social
services."""

from __future__ import annotations

import pytest

from riskassessment import services
from riskassessment.models import Instrument, SummaryJudgement, SummaryJudgementDefinition
from tests.factories import make_case, make_disclosure
from tests.riskassessment.helpers import case_access, complete_input, final_assessment

pytestmark = pytest.mark.django_db

Kind = SummaryJudgementDefinition.Kind


def shown(definition: SummaryJudgementDefinition, j: SummaryJudgement) -> services.JudgementView:
    """A judgement as shown, written out here as ``judgement_view`` had it before the
    statement (not calling the code under test)."""
    level = j.level if definition.kind == Kind.LEVEL else ""
    if definition.kind == Kind.LEVEL:
        steps = definition.scale.steps.all() if definition.scale else []
        display = next((s.label for s in steps if s.code == j.level), j.level)
    elif definition.kind == Kind.YES_NO_TEXT:
        display = ""
        if j.answer is not None:
            display = ("Ja" if j.answer else "Nej") + (
                f" – {j.text.strip()}" if j.text.strip() else ""
            )
    else:
        display = j.text.strip()
    return services.JudgementView(
        definition.label, definition.kind, level, display or "Inte angiven"
    )


def orm_judgements(reader_access, assessment) -> list[services.JudgementView]:
    """The judgements as they were read before the statement: the ORM's rows with their
    definitions and scales, in the definitions' order."""
    judgements = (
        SummaryJudgement.objects.filter(assessment=assessment)
        .select_related("definition__scale")
        .order_by("definition__order", "definition__pk")
    )
    return [
        shown(j.definition, j)
        for j in judgements
        if not j.definition.police_only
        or reader_access.shows("internal")
        or assessment.organisation_id == reader_access.organisation.pk
    ]


def test_the_statement_gives_the_orm_judgements_to_police_and_social_services(
    handler, social, koping
) -> None:
    kinds = {Kind.LEVEL, Kind.TEXT, Kind.YES_NO_TEXT}
    instrument = next(
        i
        for i in Instrument.objects.filter(version="1").order_by("code")
        if kinds <= {d.kind for d in i.summary_definitions.all()}
    )  # an instrument with judgements of every kind
    case = make_case(handler)
    final_assessment(handler, case, instrument)  # every judgement filled
    # A draft with a judgement of each other kind left empty (shown "Inte angiven") and the
    # others filled (the level "Medel"); in the final one a level code that is not on the
    # scale (shown as the code); a police-only definition.
    draft, _ = services.start_assessment(handler, case, instrument=instrument)
    data = complete_input(services.load_structure(instrument), level="medium")
    empty_kinds: set[str] = {Kind.LEVEL}  # the level is judged: medium
    for definition in services.load_structure(instrument).definitions:
        if definition.kind not in empty_kinds:
            empty_kinds.add(definition.kind)
            data.judgements[definition.pk] = services.JudgementInput()
    services.save_draft(handler, draft, data=data, expected_version=None)
    level = SummaryJudgement.objects.filter(
        assessment__case=case, assessment__status="final", definition__kind=Kind.LEVEL
    ).first()
    assert level is not None
    SummaryJudgement.objects.filter(pk=level.pk).update(level="zz")
    police_only = SummaryJudgementDefinition.objects.filter(
        instrument=instrument, kind=Kind.TEXT
    ).first()
    assert police_only is not None
    SummaryJudgementDefinition.objects.filter(pk=police_only.pk).update(police_only=True)
    make_disclosure(case, koping, handlers=[social], scope_risk_full=True)

    for reader in (handler, social):
        reader_access = case_access(reader, case)
        rows = services.assessment_rows(reader_access)
        assert rows, reader
        for row in rows:
            assert row.judgements == orm_judgements(reader_access, row.assessment)
    police_rows = services.assessment_rows(case_access(handler, case))
    displays = [j.display for row in police_rows for j in row.judgements]
    assert "Inte angiven" in displays and "zz" in displays and "Medel" in displays
    labels = {j.label for row in police_rows for j in row.judgements}
    assert police_only.label in labels
    social_rows = services.assessment_rows(case_access(social, case))
    assert len(social_rows) == 1  # the final one: a police draft is never shown to them
    assert police_only.label not in {j.label for j in social_rows[0].judgements}
