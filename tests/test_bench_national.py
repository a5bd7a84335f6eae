"""The national benchmark's generator (bench/national_rows.py) at a tiny scale (~200 cases),
so that it cannot rot while the models change: the rows load, the access log's chain holds,
the personas reach exactly what they are meant to, and the benchmark's hand-written SQL of
the access rule gives the same cases as cases.access."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from bench import national_sql as raw
from bench.national_rows import Personas, generate
from cases import access
from cases.accesschain import verify_chain
from cases.models import AccessLogEntry, Participant, ProtectionCase
from cases.services import search_persons

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas() -> Personas:
    return generate(scale=0.001, log=lambda line: None)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def test_the_tiny_national_data_set_has_its_shape(personas: Personas) -> None:
    assert 150 <= ProtectionCase.objects.count() <= 250
    assert personas.counts["protectioncase"] == ProtectionCase.objects.count()
    assert personas.counts["guardian"] >= 2 * ProtectionCase.objects.count()  # view + change
    assert ProtectionCase.objects.values("unit").distinct().count() == 21
    assert Participant.objects.filter(role="threat_actor").exists()
    assert personas.counts["access_log"] == AccessLogEntry.objects.count() > 500


def test_the_generated_cases_carry_the_kontaktforbud_flag_of_their_rows(
    personas: Personas,
) -> None:
    from tests.cases.test_contact_ban_flag import derived, flagged

    assert flagged() == derived() != set()


def test_the_generated_access_log_verifies_and_the_app_appends_to_it(
    personas: Personas,
) -> None:
    report = verify_chain()
    assert report.intact, report
    assert report.rows == personas.counts["access_log"]
    head = _user(personas.head)
    case = access.openable_cases(head).first()
    assert case is not None
    access.get_case_for_user(head, case.key)  # a real read, chained after the generated rows
    assert verify_chain().intact


def test_the_personas_reach_what_they_are_meant_to(personas: Personas) -> None:
    head, handler = _user(personas.head), _user(personas.handler)
    colleague, social = _user(personas.colleague), _user(personas.social)
    social_head = _user(personas.social_head)
    assert access.openable_cases(head).count() == personas.unit_cases > 0
    assert access.assigned_cases(handler).count() == personas.handler_cases >= 3
    assert access.openable_cases(colleague).count() == 0
    assert access.listable_cases(colleague).count() == personas.unit_listable > 0
    assert access.openable_cases(social).count() == personas.social_cases >= 1
    assert access.openable_cases(social_head).count() == personas.social_head_cases
    assert personas.social_head_cases >= personas.social_cases


def test_the_personnummer_hashes_are_the_apps(personas: Personas) -> None:
    handler = _user(personas.handler)
    pnr = (
        Participant.objects.filter(case__in=access.assigned_cases(handler))
        .exclude(person__personnummer="")
        .values_list("person__personnummer", flat=True)
        .first()
    )
    assert pnr
    assert search_persons(handler, personnummer=pnr)


def test_the_raw_sql_access_rule_is_cases_access(personas: Personas) -> None:
    today = timezone.localdate()
    emails = [personas.head, personas.handler, personas.colleague, personas.social]
    with connection.cursor() as cursor:
        for email in [*emails, personas.social_head]:
            user = _user(email)
            reader = raw.reader(cursor, user.pk, today)
            openable = set(access.openable_cases(user).values_list("pk", flat=True))
            listable = set(access.listable_cases(user).values_list("pk", flat=True))
            assert raw.ids(cursor, reader, raw.openable_where()) == openable, email
            assert raw.ids(cursor, reader, raw.listable_where()) == listable, email
