"""The case page costs a fixed number of queries for every reader, its synchronous log write
included, whatever the number of measures, follow-ups, notes and people (issue 16: 31–44
queries before; the sections read their shared rows once, cases.caserows)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cases import access, services
from cases.models import JournalEntry, Participant, ProtectionCase
from tests.factories import FollowUpFactory, MeasureFactory, PersonFactory, make_case
from tests.factories import make_disclosure as disclose

pytestmark = pytest.mark.django_db

SCOPES = {
    "scope_persons": True,
    "scope_risk_summary": True,
    "scope_measures": True,
    "scope_plan": True,
    "scope_secret_dwelling": True,
}

# Session, user, OTP device, the case, memberships, its access (the guardian check, a unit
# colleague's grant; social services: their disclosures), whether this read is logged already,
# the log row (one round trip), then the page: its sections, which first ask in one statement
# which of the rarer kinds of rows the case has (cases.caserows.has) and read only those.
# The responsible handlers and, where the reader may assign, the unit's other handlers come
# in one statement (services.case_page_handlers); social services also read the recipients
# the journal may name.
EXPECTED = {"handler": 17, "head": 17, "colleague": 17, "social": 15, "social_head": 15}


def _case(handler: User, koping, social: User, *, size: int) -> ProtectionCase:
    case = make_case(handler)
    disclose(case, koping, handlers=[social], **SCOPES)
    for n in range(size):
        MeasureFactory(case=case, kind="skyddslarm")
        FollowUpFactory(case=case)
        services.add_journal_entry(
            handler,
            case,
            occurred_on=date.today(),
            text=f"Anteckning {n}",
            visibility=JournalEntry.Visibility.SHARED,
        )
        Participant.objects.create(
            case=case, person=PersonFactory(first_name=f"Närstående{n}"), role="relative"
        )
    return case


def _queries(client, case: ProtectionCase) -> int:
    """The first visit (so the read is logged) to the case page."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cases:detail", kwargs={"key": case.key}))
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_the_case_page_costs_the_same_for_one_and_twenty_of_everything(
    request, login, handler, koping, social, persona
) -> None:
    reader = request.getfixturevalue(persona)
    warm, small, big = (_case(handler, koping, social, size=n) for n in (1, 1, 20))
    if persona == "colleague":
        for case in (warm, small, big):
            access.break_the_glass(reader, case, reason="Akut, ansvarig handläggare ledig")
    client = login(reader)
    _queries(client, warm)  # the first page after a login also stamps the session
    assert _queries(client, small) == _queries(client, big) == EXPECTED[persona]


# A case with some of every rarer kind of row (cases.caserows.has finds them all): each
# section then reads its rows, still in a fixed number of queries.
EXPECTED_WITH_EVERYTHING = {"handler": 25, "head": 25, "social": 22, "social_head": 22}


def _case_with_everything(handler: User, koping, social: User, *, size: int) -> ProtectionCase:
    from cases.models import ContactBan, SecretDwelling
    from tests.alarms.helpers import device, lend
    from tests.riskassessment.helpers import final_assessment

    case = _case(handler, koping, social, size=size)
    roles = {p.role: p for p in case.participants.select_related("person")}
    for n in range(size):
        SecretDwelling.objects.create(
            case=case, person=roles["protected"].person, description=f"Boende {n}", address="x"
        )
        ContactBan.objects.create(
            case=case,
            ban_type="ordinary",
            protected_participant=roles["protected"],
            restricted_participant=roles["threat_actor"],
        )
        final_assessment(handler, case)
        lend(handler, case, device(handler))
    return case


@pytest.mark.parametrize("persona", list(EXPECTED_WITH_EVERYTHING))
def test_a_case_with_every_kind_of_row_costs_the_same_for_one_and_three(
    request, login, handler, koping, social, persona
) -> None:
    reader = request.getfixturevalue(persona)
    warm, small, big = (_case_with_everything(handler, koping, social, size=n) for n in (1, 1, 3))
    client = login(reader)
    _queries(client, warm)
    assert _queries(client, small) == _queries(client, big) == EXPECTED_WITH_EVERYTHING[persona]
