"""Disclosure to social services, the receiving side: expiry, the recipient head's handler
assignment, the shared-cases page, the case-page panel and the navigation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from cases import errors
from cases.models import AccessLogEntry, JournalEntry
from cases.sharing import services
from tests.cases.sharing_support import (
    TODAY,
    create_url,
    detail,
    handlers_url,
    member,
    withdraw_url,
)
from tests.factories import PersonFactory, make_case, make_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    return make_case(handler, threat_picture="Hotbilden är hemlig (test)")


@pytest.fixture
def sala_head(sala) -> User:
    return member(sala, Membership.Role.HEAD)


# --- Expiry ---------------------------------------------------------------------------------


def test_expiry_ends_access_the_next_day(login, handler, social, case, koping) -> None:
    make_disclosure(case, koping, handlers=[social], valid_until=TODAY())
    assert login(social).get(detail(case)).status_code == 200
    tomorrow = timezone.now() + timedelta(days=1, hours=1)
    with time_machine.travel(tomorrow, tick=False):
        client = login(social)
        assert client.get(detail(case)).status_code == 404
        assert case.reference not in client.get(reverse("cases:shared_cases")).content.decode()


def test_pending_disclosure_gives_no_access_until_it_starts(login, social, case, koping):
    make_disclosure(case, koping, handlers=[social], valid_from=TODAY() + timedelta(days=2))
    assert login(social).get(detail(case)).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=2, hours=1), tick=False):
        assert login(social).get(detail(case)).status_code == 200


# --- The recipient's head assigns handlers --------------------------------------------------


def test_head_assigns_handlers_and_only_they_see_the_case(
    login, social, social_head, case, koping
) -> None:
    eva = member(koping)
    disclosure = make_disclosure(case, koping, handlers=[social])
    client = login(social_head)
    page = client.get(handlers_url(disclosure))
    assert page.status_code == 200
    html = page.content.decode()
    assert eva.full_name in html and social.full_name in html
    assert "Hotbilden är hemlig" not in html

    response = client.post(handlers_url(disclosure), {"handlers": [eva.pk]})
    assert response.status_code == 302 and response["Location"] == reverse("cases:shared_cases")
    assert list(disclosure.handlers.all()) == [eva]
    assert login(eva).get(detail(case)).status_code == 200
    assert login(social).get(detail(case)).status_code == 404

    entry = JournalEntry.objects.filter(case=case).latest("created_at")
    assert entry.author == social_head and entry.author_organisation == koping
    assert eva.full_name not in entry.text and social.full_name not in entry.text


def test_head_cannot_assign_someone_from_another_organisation(
    login, social_head, social_other, case, koping
) -> None:
    disclosure = make_disclosure(case, koping)
    response = login(social_head).post(handlers_url(disclosure), {"handlers": [social_other.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["handlers"]
    assert not disclosure.handlers.exists()


def test_head_can_remove_everyone(login, social, social_head, case, koping) -> None:
    disclosure = make_disclosure(case, koping, handlers=[social])
    login(social_head).post(handlers_url(disclosure), {})
    assert not disclosure.handlers.exists()


@pytest.mark.parametrize("who", ["social", "sala_head", "handler", "head", "admin"])
def test_only_the_recipient_head_assigns(who, request, login, social, case, koping) -> None:
    disclosure = make_disclosure(case, koping, handlers=[social])
    client = login(request.getfixturevalue(who))
    assert client.get(handlers_url(disclosure)).status_code == 404
    assert client.post(handlers_url(disclosure), {"handlers": []}).status_code == 404
    assert list(disclosure.handlers.all()) == [social]


def test_head_of_a_withdrawn_disclosure_gets_404(login, social_head, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    disclosure.withdrawn_at = timezone.now()
    disclosure.save()
    assert login(social_head).get(handlers_url(disclosure)).status_code == 404


def test_service_refuses_a_handler_of_another_organisation(
    social_head, social_other, case, koping
) -> None:
    disclosure = make_disclosure(case, koping)
    with pytest.raises(errors.Invalid):
        services.set_disclosure_handlers(social_head, disclosure, [social_other])


def test_handlers_page_refuses_other_methods(login, social_head, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    assert login(social_head).delete(handlers_url(disclosure)).status_code == 405


# --- "Ärenden delade med oss" ---------------------------------------------------------------


def test_social_handler_sees_only_assigned_active_disclosures(login, handler, social, koping):
    mine = make_case(handler)
    not_mine = make_case(handler)
    make_disclosure(mine, koping, handlers=[social])
    make_disclosure(not_mine, koping, handlers=[])
    response = login(social).get(reverse("cases:shared_cases"))
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.reference in html and not_mine.reference not in html
    assert "Tilldela handläggare" not in html


def test_head_sees_all_with_assign_links_and_no_person_names(
    login, handler, social, social_head, koping, sala
) -> None:
    person = PersonFactory(first_name="Sigrid", last_name="Zetterqvist")
    case = make_case(handler, protected=person)
    other = make_case(handler)
    disclosure = make_disclosure(case, koping, handlers=[social])
    make_disclosure(other, koping)
    sala_case = make_case(handler)
    make_disclosure(sala_case, sala)
    html = login(social_head).get(reverse("cases:shared_cases")).content.decode()
    assert case.reference in html and other.reference in html
    assert sala_case.reference not in html
    assert handlers_url(disclosure) in html
    assert social.full_name in html
    assert "Sigrid" not in html and "Zetterqvist" not in html


@pytest.mark.parametrize("who", ["handler", "head", "colleague", "admin"])
def test_shared_page_is_404_outside_social_services(who, request, login) -> None:
    assert login(request.getfixturevalue(who)).get(reverse("cases:shared_cases")).status_code == (
        404
    )


def test_shared_page_refuses_post(login, social) -> None:
    assert login(social).post(reverse("cases:shared_cases")).status_code == 405


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_shared_page_query_count_does_not_grow(login, handler, social, social_head, koping) -> None:
    url = reverse("cases:shared_cases")
    for _ in range(2):
        make_disclosure(make_case(handler), koping, handlers=[social])
    few = {u: _count_queries(login(u), url) for u in (social, social_head)}
    for _ in range(8):
        make_disclosure(make_case(handler), koping, handlers=[social, member(koping)])
    many = {u: _count_queries(login(u), url) for u in (social, social_head)}
    assert few == many


# --- The panel on the case page -------------------------------------------------------------


def test_panel_for_the_responsible_handler_has_actions(login, handler, case, koping, sala):
    active = make_disclosure(case, koping)
    withdrawn = make_disclosure(case, sala)
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    html = login(handler).get(detail(case)).content.decode()
    assert "Utlämnande till socialtjänsten" in html
    assert "Socialtjänsten Köping" in html and "Socialtjänsten Sala" in html
    assert "Återkallat" in html and "Aktivt" in html
    assert withdraw_url(active) in html and withdraw_url(withdrawn) not in html
    assert create_url(case) in html
    assert reverse("cases:access_log", kwargs={"key": case.key}) in html


def test_panel_for_break_glass_has_no_actions(login, colleague, case, koping) -> None:
    from cases import access

    disclosure = make_disclosure(case, koping)
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    html = login(colleague).get(detail(case)).content.decode()
    assert "Socialtjänsten Köping" in html
    assert withdraw_url(disclosure) not in html and create_url(case) not in html
    assert reverse("cases:access_log", kwargs={"key": case.key}) not in html


def test_panel_for_social_services_shows_only_their_own_disclosure(
    login, social, case, koping, sala
) -> None:
    colleague_at_koping = member(koping)
    own = make_disclosure(case, koping, handlers=[social, colleague_at_koping])
    sala_disclosure = make_disclosure(case, sala)
    sala_disclosure.consent_given_by = "Samtyckesgivare Sala"
    sala_disclosure.save()
    html = login(social).get(detail(case)).content.decode()
    assert "Socialtjänsten Köping" in html
    assert "Socialtjänsten Sala" not in html and "Samtyckesgivare Sala" not in html
    assert colleague_at_koping.full_name not in html
    assert withdraw_url(own) not in html
    assert reverse("cases:access_log", kwargs={"key": case.key}) not in html


def test_case_page_read_is_logged_exactly_once_with_the_panel(login, handler, case, koping):
    make_disclosure(case, koping)
    login(handler).get(detail(case))
    assert AccessLogEntry.objects.filter(case=case).count() == 1


# --- Navigation -----------------------------------------------------------------------------


def test_nav_shows_shared_cases_only_to_social_services(login, social, handler, head) -> None:
    link = f'href="{reverse("cases:shared_cases")}"'
    report = f'href="{reverse("cases:access_report")}"'
    assert link in login(social).get("/").content.decode()
    handler_html = login(handler).get("/").content.decode()
    assert link not in handler_html and report not in handler_html
    head_html = login(head).get("/").content.decode()
    assert report in head_html and link not in head_html


def test_two_heads_assigning_at_once_do_not_silently_overwrite(
    login, social, social_head, case, koping
) -> None:
    eva = member(koping)
    disclosure = make_disclosure(case, koping, handlers=[social])
    first, second = login(social_head), login(social_head)
    seen = second.get(handlers_url(disclosure)).context["form"]["seen"].value()
    first_seen = first.get(handlers_url(disclosure)).context["form"]["seen"].value()
    first.post(handlers_url(disclosure), {"handlers": [eva.pk], "seen": first_seen})
    response = second.post(handlers_url(disclosure), {"handlers": [social.pk], "seen": seen})
    assert response.status_code == 200
    assert "En annan chef har ändrat tilldelningen" in response.content.decode()
    assert list(disclosure.handlers.all()) == [eva]  # the first head's choice stands
    again = response.context["form"]["seen"].value()
    response = second.post(handlers_url(disclosure), {"handlers": [social.pk], "seen": again})
    assert response.status_code == 302
    assert list(disclosure.handlers.all()) == [social]
