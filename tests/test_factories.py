"""The case-work, assessment and plan factories make their rows through the services: the
rules apply (a closed case is refused), the journal is written, nothing is built bare."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import errors
from cases.models import JournalEntry, ProtectionCase
from tests.factories import (
    AssessmentFactory,
    ContactBanFactory,
    FollowUpFactory,
    MeasureFactory,
    PlanFactory,
    make_case,
)

pytestmark = pytest.mark.django_db


def test_each_factory_goes_through_its_service_and_journals(handler) -> None:
    case = make_case(handler)
    measure = MeasureFactory(case=case, kind="medling")
    ban = ContactBanFactory(case=case)
    follow_up = FollowUpFactory(case=case)
    assessment = AssessmentFactory(case=case, instrument="CHECK10", level="medium")
    plan = PlanFactory(case=case, texts={"threat_text": "Hotbild enligt bedömningen."})
    assert measure.kind.code == "medling" and measure.responsible_party == "police"
    assert ban.protected_participant.role == "protected"
    assert ban.restricted_participant.role == "threat_actor"
    assert follow_up.due_date == timezone.localdate() + timedelta(days=7)
    assert assessment.is_final and assessment.judgements.filter(level="medium").exists()
    assert plan.is_draft and plan.threat_text == "Hotbild enligt bedömningen."
    events = set(JournalEntry.objects.filter(case=case).values_list("event", flat=True))
    assert {
        "measure_added",
        "follow_up_planned",
        "assessment_finalised",
        "plan_started",
        "plan_changed",
    } <= events


def test_the_services_rules_hold_for_the_factories(handler, colleague) -> None:
    case = make_case(handler)
    with pytest.raises(errors.NotAllowed):
        MeasureFactory(case=case, actor=colleague)
    with pytest.raises(errors.Invalid):
        FollowUpFactory(case=case, due_date=timezone.localdate() - timedelta(days=1))
    ProtectionCase.objects.filter(pk=case.pk).update(status=ProtectionCase.Status.CLOSED)
    case.refresh_from_db()
    for factory in (MeasureFactory, ContactBanFactory, FollowUpFactory, AssessmentFactory):
        with pytest.raises(errors.CaseClosed):
            factory(case=case)


def test_nothing_is_built_past_the_services(handler) -> None:
    with pytest.raises(TypeError):
        MeasureFactory.build(case=make_case(handler))
