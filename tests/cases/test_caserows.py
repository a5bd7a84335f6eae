"""cases.caserows.has: the one hand-written statement that says which kinds of rows a case
has at all (issue 16), held to the ORM's ``exists()`` for every probed model, in a case with
one of each and in a case with none."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases import access, caserows
from cases.models import (
    CaseClosure,
    ContactBan,
    LegalHold,
    ProtectionCase,
    ProtectionPlan,
    ProtectiveMeasure,
    SecretDwelling,
    SupportInformation,
    SupportOrganisation,
)
from riskassessment.models import Assessment, Instrument
from tests.alarms.helpers import device, lend
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db


def _labels() -> list[str]:
    return [model._meta.label_lower for model in caserows._probed()]


def _orm(case: ProtectionCase) -> dict[str, bool]:
    return {
        model._meta.label_lower: model.objects.filter(case=case).exists()
        for model in caserows._probed()
    }


def _has(reader, case: ProtectionCase) -> dict[str, bool]:
    case_access = access.get_case_for_user(reader, case.key, log=False)
    return {
        model._meta.label_lower: caserows.has(case_access, model) for model in caserows._probed()
    }


def _one_of_each(handler, koping) -> ProtectionCase:
    case = make_case(handler)
    roles = {p.role: p for p in case.participants.select_related("person")}
    make_disclosure(case, koping)
    SecretDwelling.objects.create(
        case=case, person=roles["protected"].person, description="Skyddat boende", address="x"
    )
    ContactBan.objects.create(
        case=case,
        ban_type="ordinary",
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
    )
    SupportInformation.objects.create(
        case=case,
        participant=roles["protected"],
        organisation=SupportOrganisation.objects.first(),
        informed_on=timezone.localdate(),
    )
    LegalHold.objects.create(case=case, reason="Begäran från JO", set_by=handler)
    CaseClosure.objects.create(case=case, reason="threat_gone", final_note="x", closed_by=handler)
    ProtectionPlan.objects.create(case=case, number=1)
    Assessment.objects.create(
        case=case,
        instrument=Instrument.objects.first(),
        organisation=case.unit,
        assessor=handler,
        assessed_on=timezone.localdate(),
    )
    lend(handler, case, device(handler))
    return case


def test_the_probe_covers_the_rarer_rows_of_every_app() -> None:
    assert {
        "cases.secretdwelling",
        "cases.disclosure",
        "cases.contactban",
        "cases.supportinformation",
        "cases.legalhold",
        "cases.caseclosure",
        "cases.protectionplan",
        "riskassessment.assessment",
        "alarms.loan",
    } <= set(_labels())


def test_a_case_with_one_of_each_has_each_and_its_neighbour_none(handler, koping) -> None:
    case = _one_of_each(handler, koping)
    neighbour = make_case(handler)  # the same unit and handler, no rows of its own
    assert _has(handler, case) == _orm(case) == dict.fromkeys(_labels(), True)
    assert _has(handler, neighbour) == _orm(neighbour) == dict.fromkeys(_labels(), False)


def test_one_statement_answers_for_every_model(handler, koping, django_assert_num_queries):
    case = _one_of_each(handler, koping)
    case_access = access.get_case_for_user(handler, case.key, log=False)
    with django_assert_num_queries(1):
        for model in caserows._probed():
            assert caserows.has(case_access, model)


def test_a_model_that_is_not_probed_is_read_as_always(handler, django_assert_num_queries):
    case_access = access.get_case_for_user(handler, make_case(handler).key, log=False)
    assert not ProtectiveMeasure.objects.filter(case=case_access.case).exists()
    with django_assert_num_queries(1):  # the probe, which does not know measures
        assert caserows.has(case_access, ProtectiveMeasure)
