"""Assessments concern threat actors; the latest risk per threat actor (issue 11, item 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Participant, ProtectionCase
from riskassessment import services
from riskassessment.models import Assessment
from tests.factories import PersonFactory, make_case
from tests.riskassessment.helpers import (
    case_access,
    complete_input,
    instrument,
    sara,
)

pytestmark = pytest.mark.django_db


def honour_case(handler, actors: int = 3) -> tuple[ProtectionCase, list[Participant]]:
    case = make_case(handler, category=ProtectionCase.Category.HONOUR)
    for _ in range(actors - 1):
        Participant.objects.create(
            case=case, person=PersonFactory(), role=Participant.Role.THREAT_ACTOR
        )
    ordered = list(case.participants.filter(role="threat_actor").order_by("created_at", "pk"))
    return case, ordered


def assess(user, case, actors, level: str, code: str = "PATRIARK", days_ago: int = 0):
    row = instrument(code)
    assessment, _ = services.start_assessment(user, case, instrument=row, threat_actors=actors)
    data = complete_input(services.load_structure(row), level=level)
    data.assessed_on = timezone.localdate() - timedelta(days=days_ago)
    assessment = services.save_draft(user, assessment, data=data, expected_version=None)
    return services.finalise(user, assessment, expected_version=None)


def test_a_per_actor_instrument_names_whom_it_concerns(handler) -> None:
    case, actors = honour_case(handler)
    assert sara().per_threat_actor and not instrument("CHECK10").per_threat_actor
    with pytest.raises(services.AssessmentError, match="en hotutövare i taget"):
        services.start_assessment(handler, case, instrument=sara())
    assessment = assess(handler, case, [actors[1]], "medium", "SARA_SV")
    assert list(assessment.threat_actors.all()) == [actors[1]]
    # A reassessment concerns the same threat actor.
    again, _ = services.start_reassessment(handler, assessment)
    assert list(again.threat_actors.all()) == [actors[1]]
    # With one threat actor the only one is named by default.
    single = make_case(handler)
    only, _ = services.start_assessment(handler, single, instrument=sara())
    assert list(only.threat_actors.all()) == list(single.participants.filter(role="threat_actor"))


def test_the_latest_risk_per_threat_actor_in_a_fixed_number_of_queries(handler) -> None:
    case, actors = honour_case(handler)
    assess(handler, case, [actors[0]], "low", days_ago=30)
    assess(handler, case, [actors[0]], "high", "SARA_SV", days_ago=2)  # newer: counts
    assess(handler, case, [actors[1]], "medium")
    assess(handler, case, [actors[2]], "low")
    other, other_actors = honour_case(handler, actors=1)
    levels = services.case_risk_levels([case.pk, other.pk])
    assert levels == {
        case.pk: [("Hotutövare 1", "high"), ("Hotutövare 2", "medium"), ("Hotutövare 3", "low")]
    }
    more = [honour_case(handler)[0] for _ in range(3)]
    for extra in more:
        assess(handler, extra, [extra.participants.filter(role="threat_actor").first()], "low")
    with CaptureQueriesContext(connection) as few:
        services.case_risk_levels([case.pk])
    with CaptureQueriesContext(connection) as many:
        services.case_risk_levels([case.pk, other.pk, *(c.pk for c in more)])
    assert len(few) == len(many) == 1  # one statement (issue 16)
    assert other_actors  # the other case has a threat actor but no assessment: absent


def test_the_case_page_shows_a_level_per_threat_actor(login, handler) -> None:
    case, actors = honour_case(handler)
    for actor, level in zip(actors, ("high", "medium", "low"), strict=True):
        assess(handler, case, [actor], level)
    page = login(handler).get(reverse("cases:detail", kwargs={"key": case.key})).text
    section = page[page.index("Senaste risknivå per hotutövare") :]
    section = section[: section.index("</ul>")]
    for number, (actor, label) in enumerate(zip(actors, ("Hög", "Medel", "Låg"), strict=True), 1):
        assert f"Hotutövare {number} ({actor.person.full_name}): " in section
        assert label in section
    assert section.count('class="badge badge--') == 3


def _selected(page: str) -> list[str]:
    form = page[page.index("ra-compare-form") :]
    form = form[: form.index("</form>")]
    return [c.split('"')[0] for c in form.split('<option value="')[1:] if "selected" in c]


def test_comparison_never_defaults_to_one_assessment_twice_and_tells_days_apart(
    login, handler
) -> None:
    case, actors = honour_case(handler)
    first = assess(handler, case, [actors[0]], "low")
    second = assess(handler, case, [actors[1]], "high", "SARA_SV")
    url = reverse("riskassessment:compare", kwargs={"key": case.key})
    client = login(handler)
    page = client.get(url).text
    selected = _selected(page)
    assert sorted(selected) == sorted([str(first.pk), str(second.pk)])
    page = client.get(url, {"a": first.pk}).text
    selected = _selected(page)
    assert len(set(selected)) == 2
    comparison = services.compare(case_access(handler, case), first.pk, second.pk)
    # One day, two assessments: the labels carry the time.
    assert comparison.before_label != comparison.after_label
    assert comparison.before_label.count(":") >= 1


def test_a_reassessment_shows_the_previous_summary_judgements(login, handler) -> None:
    case, actors = honour_case(handler, actors=1)
    previous = assess(handler, case, actors, "high", "SARA_SV", days_ago=10)
    draft, _ = services.start_reassessment(handler, previous)
    page = (
        login(handler)
        .get(reverse("riskassessment:edit", kwargs={"key": case.key, "pk": draft.pk}))
        .text
    )
    date = previous.assessed_on.isoformat()
    definitions = previous.instrument.summary_definitions.count()
    assert page.count(f"Förra bedömningen ({date}):") == definitions
    assert '<span class="badge badge--high">Hög</span>' in page
    assert Assessment.objects.filter(previous=previous).count() == 1


def test_the_one_statement_reads_what_the_orm_reads(handler, social, koping) -> None:
    """services.risk._police_rows (the lists' statement) against the ORM path given the same
    set of assessments: per threat actor, the newest final one with a level, the police's
    only (issue 16)."""
    from accounts.models import Organisation
    from tests.factories import make_disclosure

    case, actors = honour_case(handler)
    assess(handler, case, [actors[0]], "low", days_ago=30)
    assess(handler, case, [actors[0]], "high", "SARA_SV", days_ago=2)
    assess(handler, case, [actors[2]], "medium")
    draft, _ = services.start_assessment(
        handler, case, instrument=instrument("SARA_SV"), threat_actors=[actors[1]]
    )
    whole = make_case(handler)  # a whole-case instrument: no threat actor named
    assess(handler, whole, [], "medium", "CHECK10", days_ago=1)
    shared = make_case(handler)
    make_disclosure(shared, koping, handlers=[social])
    social_row = assess(
        social, shared, list(shared.participants.filter(role="threat_actor")), "high", "SARA_SV"
    )
    assert social_row.organisation.kind == Organisation.Kind.SOCIAL_SERVICES
    ids = [case.pk, whole.pk, shared.pk, make_case(handler).pk]
    police = Assessment.objects.filter(organisation__kind=Organisation.Kind.POLICE_UNIT)
    with CaptureQueriesContext(connection) as statement:
        found = services.case_risk_levels(ids)
    assert found == services.case_risk_levels(ids, assessments=police)
    assert len(statement) == 1
    assert found[case.pk] == [("Hotutövare 1", "high"), ("Hotutövare 3", "medium")]
    assert found[whole.pk] == [("", "medium")]
    assert shared.pk not in found  # social services' own assessment is not the police's
    assert draft.status == Assessment.Status.DRAFT
    # Threat actors already read (the case page) leave that part out, with the same answer.
    known = {
        pk: list(
            Participant.objects.filter(case_id=pk, role="threat_actor")
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        for pk in ids
    }
    assert services.case_risk_levels(ids, threat_actors=known) == found
