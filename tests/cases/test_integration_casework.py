"""Where case work meets the case list, the case page and the start page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.casework import services
from cases.models import ContactBan, FollowUp, Participant, ProtectionCase
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _ban(case: ProtectionCase) -> ContactBan:
    handler = case.created_by
    assert handler is not None
    return services.add_contact_ban(
        handler,
        case,
        ban_type=ContactBan.BanType.ORDINARY,
        protected_participant=case.participants.get(role=Participant.Role.PROTECTED),
        restricted_participant=case.participants.get(role=Participant.Role.THREAT_ACTOR),
    )


@pytest.mark.parametrize("term", ["besöksförbud", "Kontaktförbud"])
def test_both_words_find_cases_with_a_contact_ban(login, handler, term) -> None:
    with_ban = make_case(handler)
    _ban(with_ban)
    without = make_case(handler)
    page = login(handler).post(reverse("cases:list"), {"reference": term}).text
    assert with_ban.reference in page
    assert without.reference not in page


def test_list_and_case_page_show_the_next_follow_up_and_say_when_it_is_missing(
    login, handler
) -> None:
    planned = make_case(handler)
    FollowUp.objects.create(
        case=planned, kind="conversation", due_date=date.today() - timedelta(days=2)
    )
    missing = make_case(handler)
    client = login(handler)
    listing = client.get(reverse("cases:list")).text
    overdue = (date.today() - timedelta(days=2)).isoformat()
    assert overdue in listing and "Försenad" in listing and "Saknas" in listing
    page = client.get(reverse("cases:detail", kwargs={"key": missing.key})).text
    assert "Saknas – planera nästa uppföljning" in page


def test_start_page_lists_my_overdue_follow_ups(login, handler) -> None:
    case = make_case(handler)
    FollowUp.objects.create(
        case=case, kind="conversation", due_date=date.today() - timedelta(days=1), assignee=handler
    )
    page = login(handler).get(reverse("core:overview")).text
    assert "Att göra" in page and case.reference in page and "Försenad" in page


def test_a_closed_case_is_read_only_but_can_be_reopened(login, handler, head) -> None:
    case = make_case(handler)
    ProtectionCase.objects.filter(pk=case.pk).update(status="closed", closed_on=date.today())
    client = login(handler)
    response = client.post(
        reverse("cases:edit", kwargs={"key": case.key}), {"category": "other"}, follow=True
    )
    assert "Ärendet är avslutat och kan inte ändras." in response.text
    case.refresh_from_db()
    assert case.category != "other"
    reopen = login(head).get(reverse("cases:case_reopen", kwargs={"key": case.key}))
    assert reopen.status_code == 200
