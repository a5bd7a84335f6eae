"""Issue 10: the reminder "Skyddsplaner som väntar på er bekräftelse" is due for each
recipient organisation that has not confirmed the current plan version – to that
organisation's handlers only, never naming another recipient – and for the police until
they have confirmed. Through the real sweep and outbox."""

from __future__ import annotations

import pytest
from django.core import mail

from cases.plan import services
from notifications.models import DigestRun
from notifications.sweep import sweep
from tests.factories import make_case, make_disclosure
from tests.notifications.conftest import days, follow_up, local, today_local

pytestmark = pytest.mark.django_db

TODAY = today_local()


def to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def text_of(message) -> str:
    html = "".join(str(body) for body, _type in getattr(message, "alternatives", []))
    return f"{message.subject}\n{message.body}\n{html}"


@pytest.fixture
def plan(handler, koping, sala, social, social_other):
    DigestRun.objects.create(day=TODAY - days(1))
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    make_disclosure(case, sala, handlers=[social_other])
    follow_up(case, handler, TODAY + days(30))
    return services.start_version(handler, case)


def test_each_recipient_that_has_not_confirmed_is_reminded_the_others_not(
    plan, handler, social, social_other
) -> None:
    services.confirm(handler, plan, expected_version=plan.version)
    services.confirm(social_other, plan, expected_version=plan.version)  # Sala confirmed
    sweep(local(TODAY, 6, 30))
    (email,) = to(social)  # Köping: still to confirm
    body = text_of(email)
    assert plan.case.reference in body and "Version 1 väntar på er bekräftelse" in body
    assert "Sala" not in body and "Siv" not in body
    assert to(social_other) == []  # confirmed
    assert to(handler) == []  # confirmed (and no follow-up is due)


def test_before_the_police_confirm_every_missing_party_is_reminded(
    plan, handler, social, social_other
) -> None:
    services.confirm(social, plan, expected_version=plan.version)  # Köping only
    sweep(local(TODAY, 6, 30))
    assert "Version 1 väntar på er bekräftelse" in text_of(to(handler)[0])
    (sala_email,) = to(social_other)
    assert "Köping" not in text_of(sala_email) and "Sara" not in text_of(sala_email)
    assert to(social) == []


def test_nothing_is_due_when_everyone_has_confirmed_or_nobody_has(
    plan, handler, social, social_other
) -> None:
    sweep(local(TODAY, 6, 30))  # nobody has confirmed: no reminder
    assert mail.outbox == []
    for user in (handler, social, social_other):
        services.confirm(user, plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.is_agreed
    sweep(local(TODAY + days(1), 6, 30))
    assert mail.outbox == []


def test_an_edit_of_one_part_brings_back_the_reminder_of_those_who_saw_it(
    plan, handler, social, social_other
) -> None:
    for user in (handler, social):
        services.confirm(user, plan, expected_version=plan.version)
    plan.refresh_from_db()
    services.update_texts(
        social, plan, expected_version=plan.version, changes={"social_commitments": "Ny text"}
    )
    # Köping's edit cleared the police's and Köping's own confirmations; nothing stands.
    assert services.standing_confirmations(plan) == []
    plan.refresh_from_db()
    services.confirm(social, plan, expected_version=plan.version)
    sweep(local(TODAY, 6, 30))
    assert len(to(handler)) == 1 and len(to(social_other)) == 1 and to(social) == []
