"""Case list (filters, no names, fixed query count), person search by POST, Översikt."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import access
from cases.models import (
    AccessLogEntry,
    Participant,
    ProtectionCase,
)
from cases.models.persons import personnummer_hmac
from tests.cases.helpers import bulk_cases, valid_personnummer
from tests.conftest import verified_login
from tests.factories import PersonFactory, make_case, make_disclosure

pytestmark = pytest.mark.django_db
LIST = reverse("cases:list")
SEARCH = reverse("cases:search")


def test_list_runs_the_same_number_of_queries_for_5_and_500_cases(
    handler, colleague, unit_a, django_assert_num_queries
) -> None:
    counts = []
    for total in (5, 500):
        ProtectionCase.objects.all().delete()
        bulk_cases(unit_a, colleague, total)
        client = verified_login(Client(), handler)
        client.get(LIST)  # warm up session and caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"status": "open", "mine": ""})
        assert response.status_code == 200
        assert len(response.context["cases"]) == min(total, 50)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        client.get(LIST, {"status": "open", "mine": ""})


def test_colleague_lists_unit_cases_without_names(login, handler, colleague) -> None:
    person = PersonFactory(first_name="Namnetsomintesyns")
    case = make_case(handler, protected=person)
    restricted = make_case(handler, restricted=True)
    page = login(colleague).get(LIST).text
    assert case.reference in page and "Hanna Handläggare" in page
    assert "Namnetsomintesyns" not in page
    assert restricted.reference not in page
    assert "Nästa uppföljning" in page


def test_handlers_own_list_has_no_names_either(login, handler) -> None:
    make_case(handler, protected=PersonFactory(first_name="Syns-inte-i-listan"))
    page = login(handler).get(LIST).text
    assert "Syns-inte-i-listan" not in page


def test_filters(login, handler, colleague) -> None:
    mine = make_case(handler, category="stalking")
    theirs = make_case(colleague, category="honour")
    closed = make_case(handler)
    ProtectionCase.objects.filter(pk=closed.pk).update(status="closed")
    client = login(handler)

    def refs(**params) -> set[str]:
        response = client.post(LIST, params)
        assert response.status_code == 200
        return {c.reference for c in response.context["cases"]}

    assert refs() == {mine.reference, theirs.reference, closed.reference}
    assert refs(mine="on") == {mine.reference, closed.reference}
    assert refs(status="open") == {mine.reference, theirs.reference}
    assert refs(category="honour") == {theirs.reference}
    assert refs(responsible=colleague.pk) == {theirs.reference}
    assert refs(reference=mine.reference[-5:]) == {mine.reference}
    assert refs(status="bogus") == {mine.reference, theirs.reference, closed.reference}


def test_social_services_list_only_their_disclosed_cases(login, handler, social, koping) -> None:
    shared, _other = make_case(handler), make_case(handler)
    make_disclosure(shared, koping, handlers=[social])
    response = login(social).get(LIST)
    assert [c.reference for c in response.context["cases"]] == [shared.reference]
    assert "responsible" not in response.context["form"].fields
    assert reverse("cases:create") not in response.text


def test_admin_lists_nothing(login, handler, admin) -> None:
    make_case(handler)
    assert list(login(admin).get(LIST).context["cases"]) == []


def test_list_refuses_other_methods(login, handler) -> None:
    assert login(handler).delete(LIST).status_code == 405


def test_keyword_filter_goes_by_post_and_never_into_a_url_or_the_log(
    login, handler, caplog
) -> None:
    """Issue 10: a name typed into the keyword filter stays in the request body."""
    mine = make_case(handler)
    other = make_case(handler)
    client = login(handler)
    page = client.get(LIST).text
    assert 'method="post" action="' + LIST + '"' in page
    with caplog.at_level("DEBUG"):
        response = client.post(LIST, {"reference": mine.reference, "status": "open"})
    assert {c.reference for c in response.context["cases"]} == {mine.reference}
    # A keyword in a query string is not read: nothing is filtered by it.
    via_get = client.get(LIST, {"reference": mine.reference})
    assert {c.reference for c in via_get.context["cases"]} == {mine.reference, other.reference}
    assert mine.reference not in caplog.text


def test_posted_filter_pages_by_post_keeping_the_keyword(login, handler, unit_a) -> None:
    bulk_cases(unit_a, handler, 60)
    client = login(handler)
    first = client.post(LIST, {"reference": "BULK-10"})
    assert first.context["page"].paginator.count == 60  # BULK-1000 … BULK-1059
    html = first.text
    assert 'name="sida" value="2"' in html and "?reference" not in html
    second = client.post(LIST, {"reference": "BULK-10", "sida": "2"})
    assert second.context["page"].number == 2


# --- person search ---------------------------------------------------------------------------


def search(client, **data) -> object:
    return client.post(SEARCH, data)


def test_personnummer_search_exact_match_and_logged(login, handler) -> None:
    number = valid_personnummer(date(1980, 4, 5))
    person = PersonFactory(personnummer=number, personnummer_hmac=personnummer_hmac(number))
    case = make_case(handler, protected=person)
    make_case(handler)
    before = AccessLogEntry.objects.filter(channel="search").count()
    response = search(login(handler), kind="personnummer", **{"pnr-personnummer": number[2:]})
    assert response.status_code == 200
    assert [h.case for h in response.context["hits"]] == [case]
    assert person.full_name in response.text
    entries = AccessLogEntry.objects.filter(channel="search")
    assert entries.count() == before + 1
    entry = entries.latest("at")
    assert entry.case == case and entry.granted and entry.user == handler
    assert number not in entry.what and person.last_name not in entry.what


def test_personnummer_search_validates_and_never_redirects_with_the_number(login, handler):
    response = search(login(handler), kind="personnummer", **{"pnr-personnummer": "19800405-0000"})
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte" in response.text
    assert response.context["hits"] is None


def test_name_search_finds_only_cases_the_user_may_open(login, handler, colleague) -> None:
    case = make_case(handler, protected=PersonFactory(first_name="Ingrid", last_name="Unik"))
    # The colleague may list the case but not open it: the name must not be found.
    response = search(login(colleague), kind="name", **{"namn-name": "ingrid unik"})
    assert response.context["hits"] == []
    assert "Ingrid" not in response.text
    assert not AccessLogEntry.objects.filter(channel="search").exists()
    response = search(login(handler), kind="name", **{"namn-name": "UNIK"})
    assert [h.case for h in response.context["hits"]] == [case]
    # After breaking the glass the colleague may open it, so the search finds it.
    access.break_the_glass(colleague, case, reason="Skyddspersonen ringde")
    response = search(login(colleague), kind="name", **{"namn-name": "Ingrid"})
    assert [h.case for h in response.context["hits"]] == [case]
    entry = AccessLogEntry.objects.filter(channel="search", user=colleague).get()
    assert entry.via == "break_glass" and entry.break_glass_reason == "Skyddspersonen ringde"


def test_search_respects_the_persons_scope_of_social_services(
    login, handler, social, social_other, koping
) -> None:
    with_persons = make_case(handler, protected=PersonFactory(last_name="Sökbar"))
    without = make_case(handler, protected=PersonFactory(last_name="Sökbar"))
    make_disclosure(with_persons, koping, handlers=[social])
    make_disclosure(without, koping, handlers=[social], scope_persons=False)
    response = search(login(social), kind="name", **{"namn-name": "Sökbar"})
    assert [h.case for h in response.context["hits"]] == [with_persons]
    response = search(login(social_other), kind="name", **{"namn-name": "Sökbar"})
    assert response.context["hits"] == []


def test_search_shows_the_protection_level(login, handler) -> None:
    make_case(handler, protected=PersonFactory(last_name="Märkt", protection="fingerade"))
    response = search(login(handler), kind="name", **{"namn-name": "Märkt"})
    assert "Fingerade personuppgifter" in response.text


def test_name_search_needs_two_characters(login, handler) -> None:
    response = search(login(handler), kind="name", **{"namn-name": "a"})
    assert "Skriv minst två tecken." in response.text


def test_search_refuses_get(login, handler) -> None:
    assert login(handler).get(SEARCH).status_code == 405


def test_no_name_or_number_in_any_link_of_the_list(login, handler) -> None:
    number = valid_personnummer(date(1980, 4, 5))
    make_case(handler, protected=PersonFactory(last_name="Länklös", personnummer=number))
    page = login(handler).get(LIST).text
    assert "Länklös" not in page and number not in page
    assert 'method="post" action="/arenden/sok/"' in page


# --- Översikt ---------------------------------------------------------------------------------


def test_overview_shows_my_open_cases(login, handler, colleague) -> None:
    mine = make_case(handler)
    closed = make_case(handler)
    ProtectionCase.objects.filter(pk=closed.pk).update(status="closed")
    theirs = make_case(colleague)
    page = login(handler).get(reverse("core:overview"))
    assert [c.reference for c in page.context["my_cases"]] == [mine.reference]
    assert theirs.reference not in page.text
    assert "Mina ärenden" in page.text


def test_overview_for_admin_has_no_cases(login, admin) -> None:
    page = login(admin).get(reverse("core:overview"))
    assert page.status_code == 200 and page.context["my_cases"] == []
    assert reverse("cases:create") not in page.text


def test_person_in_two_cases_found_in_both(login, handler) -> None:
    person = PersonFactory(last_name="Tvåfall")
    first = make_case(handler, protected=person)
    second = make_case(handler)
    Participant.objects.create(case=second, person=person, role="relative")
    response = search(login(handler), kind="name", **{"namn-name": "Tvåfall"})
    assert {h.case for h in response.context["hits"]} == {first, second}
    assert AccessLogEntry.objects.filter(channel="search").count() == 2
