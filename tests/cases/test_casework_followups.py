"""Case work: follow-ups and the to-do list ("Att göra")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.casework import services
from cases.models import (
    ContactBan,
    ContactBanBreach,
    FollowUp,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
    SupportInformation,
    SupportOrganisation,
)
from tests.cases.casework_support import TODAY, follow_up, kind, participants, url
from tests.factories import make_case

pytestmark = pytest.mark.django_db


# --- follow-ups --------------------------------------------------------------------------------


def test_new_follow_up_due_in_the_past_is_refused_keeping_the_input(login, handler, case) -> None:
    response = login(handler).post(
        url("followup_add", case),
        {
            "kind": "conversation",
            "due_date": (TODAY() - timedelta(days=1)).isoformat(),
            "responsible_party": "police",
            "assignee": handler.pk,
            "note": "Fråga om larmet fungerar",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Datumet har redan passerat" in body
    assert "Fråga om larmet fungerar" in body
    assert not FollowUp.objects.exists()


def test_handler_plans_and_completes_a_follow_up_and_plans_the_next(login, handler, case) -> None:
    client = login(handler)
    response = client.post(
        url("followup_add", case),
        {
            "kind": "conversation",
            "due_date": TODAY().isoformat(),
            "responsible_party": "police",
            "assignee": handler.pk,
        },
    )
    assert response.status_code == 302
    planned = FollowUp.objects.get(case=case)
    assert planned.assignee == handler and planned.created_by == handler
    response = client.post(
        url("followup_complete", case, pk=planned.pk),
        {
            "done_on": TODAY().isoformat(),
            "outcome": "Allt lugnt",
            "next_due_date": (TODAY() + timedelta(days=14)).isoformat(),
            "next_kind": "reassessment",
            "version": planned.version,
        },
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.done_on == TODAY() and planned.outcome == "Allt lugnt"
    nxt = FollowUp.objects.get(case=case, done_on__isnull=True)
    assert nxt.kind == "reassessment" and nxt.assignee == handler
    assert nxt.due_date == TODAY() + timedelta(days=14)


def test_completing_the_last_follow_up_warns_that_none_is_planned(login, handler, case) -> None:
    planned = follow_up(case, handler)
    response = login(handler).post(
        url("followup_complete", case, pk=planned.pk),
        {"done_on": TODAY().isoformat(), "outcome": "Klart", "version": planned.version},
        follow=True,
    )
    assert "Ärendet har nu ingen planerad uppföljning" in response.content.decode()


def test_follow_up_assignee_must_be_able_to_open_the_case(
    login, handler, colleague, social, case
) -> None:
    client = login(handler)
    form = {"kind": "other", "due_date": TODAY().isoformat(), "responsible_party": "police"}
    # An unassigned colleague cannot open the case: not offered, refused when posted.
    response = client.post(url("followup_add", case), {**form, "assignee": colleague.pk})
    assert response.status_code == 200
    # A social handler is assignable only with social services as the responsible party.
    response = client.post(url("followup_add", case), {**form, "assignee": social.pk})
    assert response.status_code == 200
    assert "Välj en handläggare hos polisen" in response.content.decode()
    response = client.post(
        url("followup_add", case), {**form, "responsible_party": "social", "assignee": social.pk}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(case=case).assignee == social


def test_social_services_complete_their_own_follow_up_only(login, handler, social, case) -> None:
    theirs = follow_up(case, social, party=Party.SOCIAL)
    police = follow_up(case, handler)
    client = login(social)
    done = {"done_on": TODAY().isoformat(), "outcome": "Samtal genomfört", "version": 1}
    assert client.post(url("followup_complete", case, pk=theirs.pk), done).status_code == 302
    assert client.post(url("followup_complete", case, pk=police.pk), done).status_code == 404
    theirs.refresh_from_db()
    police.refresh_from_db()
    assert theirs.done_on == TODAY() and police.done_on is None


def test_rescheduling_keeps_an_unchanged_past_date_but_refuses_a_new_past_date(
    login, handler, case
) -> None:
    late = FollowUp.objects.create(
        case=case, kind="other", due_date=TODAY() - timedelta(days=5), assignee=handler
    )
    form = {
        "kind": "other",
        "responsible_party": "police",
        "assignee": handler.pk,
        "version": 1,
        "note": "Påminn",
    }
    client = login(handler)
    response = client.post(
        url("followup_edit", case, pk=late.pk),
        {**form, "due_date": (TODAY() - timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 200 and "Datumet har redan passerat" in response.content.decode()
    response = client.post(
        url("followup_edit", case, pk=late.pk), {**form, "due_date": late.due_date.isoformat()}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.note == "Påminn" and late.version == 2


def test_case_page_says_loudly_when_an_open_case_has_no_next_follow_up(
    login, handler, case
) -> None:
    client = login(handler)
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert "Ärendet saknar nästa uppföljning" in page
    FollowUp.objects.create(
        case=case, kind="conversation", due_date=TODAY() - timedelta(days=2), assignee=handler
    )
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert "Ärendet saknar nästa uppföljning" not in page
    assert "Nästa uppföljning" in page and "Försenad" in page


# --- Att göra ----------------------------------------------------------------------------------


def test_todo_lists_own_due_and_overdue_follow_ups_over_visible_cases(
    handler, head, social, koping, case
) -> None:
    overdue = follow_up(case, handler, days=-3)
    due_soon = follow_up(case, handler, days=5)
    follow_up(case, handler, days=60)  # beyond the horizon
    follow_up(case, head, days=1)  # someone else's
    FollowUp.objects.create(
        case=case, kind="other", due_date=TODAY(), assignee=handler, done_on=TODAY()
    )
    closed = make_case(handler)
    follow_up(closed, handler, days=1)
    ProtectionCase.objects.filter(pk=closed.pk).update(status="closed", closed_on=TODAY())

    items = services.todo_for(handler)
    assert items == [overdue, due_soon]
    assert items[0].overdue and not items[1].overdue
    assert len(services.todo_for(handler, horizon_days=None)) == 3

    # Social services: only while the disclosure is active and includes measures.
    theirs = follow_up(case, social, days=2, party=Party.SOCIAL)
    assert services.todo_for(social) == [theirs]
    case.disclosures.update(scope_measures=False)
    assert services.todo_for(social) == []
    case.disclosures.update(scope_measures=True, withdrawn_at=timezone.now())
    assert services.todo_for(social) == []


def test_todo_drops_cases_the_user_can_no_longer_open(handler, colleague, head, case) -> None:
    item = follow_up(case, handler, days=1)
    assert services.todo_for(handler) == [item]
    from cases.services import assign_handler, unassign_handler

    assign_handler(head, case, colleague)  # a case keeps at least one responsible handler
    unassign_handler(head, case, handler)
    assert services.todo_for(handler) == []


def test_todo_page_uses_a_fixed_number_of_queries(
    login, handler, django_assert_num_queries
) -> None:
    client = login(handler)
    make_few = [make_case(handler) for _ in range(2)]
    for case in make_few:
        follow_up(case, handler, days=-1)
    client.get(reverse("cases:todo"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("cases:todo"))
    assert response.content.decode().count(">Försenad<") == 2
    for _ in range(8):
        follow_up(make_case(handler), handler, days=1)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:todo"))
    assert response.status_code == 200


def test_casework_page_uses_a_fixed_number_of_queries(
    login, handler, case, django_assert_num_queries
) -> None:
    client = login(handler)
    page = url("casework", case)
    roles = participants(case)
    org = SupportOrganisation.objects.first()

    def add_rows(n: int) -> None:
        for day in range(n):
            ProtectiveMeasure.objects.create(
                case=case, kind=kind("skyddslarm"), responsible_party="police"
            )
            follow_up(case, handler, days=day)
            FollowUp.objects.create(
                case=case, kind="other", due_date=TODAY(), done_on=TODAY(), assignee=handler
            )
            ban = ContactBan.objects.create(
                case=case,
                ban_type="ordinary",
                protected_participant=roles["protected"],
                restricted_participant=roles["threat_actor"],
            )
            ContactBanBreach.objects.create(ban=ban, occurred_on=TODAY(), description="x")
            SupportInformation.objects.create(
                case=case,
                participant=roles["protected"],
                organisation=org,
                informed_on=TODAY(),
                informed_by=handler,
            )

    add_rows(1)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    add_rows(8)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(page)
    assert response.content.decode().count("Skyddslarm/larmtelefon") >= 9
