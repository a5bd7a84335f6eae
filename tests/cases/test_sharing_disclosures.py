"""Disclosure to social services: the police form, withdrawal, the recipient head's handler
assignment, the shared-cases page and the case-page panel – persona by persona."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from cases.models import AccessLogEntry, Disclosure, JournalEntry
from cases.sharing import services
from tests.factories import MembershipFactory, PersonFactory, make_case, make_disclosure

pytestmark = pytest.mark.django_db

TODAY = date.today


def _member(org: Organisation, role: str = Membership.Role.HANDLER) -> User:
    return MembershipFactory(organisation=org, role=role).user


@pytest.fixture
def case(handler):
    return make_case(handler, threat_picture="Hotbilden är hemlig (test)")


@pytest.fixture
def sala_head(sala) -> User:
    return _member(sala, Membership.Role.HEAD)


def _create_url(case) -> str:
    return reverse("cases:disclosure_create", kwargs={"key": case.key})


def _withdraw_url(disclosure: Disclosure) -> str:
    return reverse(
        "cases:disclosure_withdraw", kwargs={"key": disclosure.case.key, "pk": disclosure.pk}
    )


def _handlers_url(disclosure: Disclosure) -> str:
    return reverse(
        "cases:disclosure_handlers", kwargs={"key": disclosure.case.key, "pk": disclosure.pk}
    )


def _detail(case) -> str:
    return reverse("cases:detail", kwargs={"key": case.key})


def _valid_post(recipient: Organisation, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "recipient": recipient.pk,
        "legal_basis": "consent",
        "legal_basis_text": "",
        "scope": ["scope_persons", "scope_measures"],
        "consent_given_by": "Skyddspersonen själv",
        "consent_form": "written",
        "consent_date": TODAY().isoformat(),
        "valid_from": TODAY().isoformat(),
        "valid_until": (TODAY() + timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data


# --- Creating a disclosure ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["handler", "head"])
def test_police_editors_see_the_form_and_disclose(who, request, login, case, koping) -> None:
    user = request.getfixturevalue(who)
    client = login(user)
    page = client.get(_create_url(case))
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    assert "Hotbilden är hemlig" not in page.content.decode()

    response = client.post(_create_url(case), _valid_post(koping))
    assert response.status_code == 302 and response["Location"] == _detail(case)
    disclosure = Disclosure.objects.get(case=case)
    assert disclosure.recipient == koping and disclosure.created_by == user
    assert disclosure.scope() == {"scope_persons", "scope_measures"}
    assert disclosure.consent_form == "written" and disclosure.state == "active"
    assert disclosure.valid_until == TODAY() + timedelta(days=90)


def test_disclosing_writes_a_journal_entry_without_personal_data(login, handler, case, koping):
    login(handler).post(_create_url(case), _valid_post(koping))
    entry = JournalEntry.objects.filter(case=case).latest("created_at")
    assert "Socialtjänsten Köping" in entry.text and "Samtycke" in entry.text
    assert "Skyddspersonen själv" not in entry.text  # the consent giver is not journalled
    assert entry.visibility == JournalEntry.Visibility.POLICE_INTERNAL
    assert entry.author == handler


@pytest.mark.parametrize("page", ["create", "withdraw", "handlers"])
def test_each_page_read_is_logged_exactly_once(
    page, login, handler, social_head, case, koping
) -> None:
    disclosure = make_disclosure(case, koping)
    user, url = {
        "create": (handler, _create_url(case)),
        "withdraw": (handler, _withdraw_url(disclosure)),
        "handlers": (social_head, _handlers_url(disclosure)),
    }[page]
    assert login(user).get(url).status_code == 200
    row = AccessLogEntry.objects.get(case=case)
    assert row.user == user and row.granted and row.channel == "part"


@pytest.mark.parametrize("who", ["other_police", "social", "social_other", "admin"])
def test_others_get_404_on_the_form(who, request, login, case, koping) -> None:
    make_disclosure(case, koping, handlers=[request.getfixturevalue("social")])
    client = login(request.getfixturevalue(who))
    assert client.get(_create_url(case)).status_code == 404
    assert client.post(_create_url(case), _valid_post(koping)).status_code == 404
    assert Disclosure.objects.filter(case=case).count() == 1


def test_break_glass_colleague_may_read_but_not_disclose(login, colleague, case, koping):
    from cases import access

    access.break_the_glass(colleague, case, "Akut")
    client = login(colleague)
    assert client.get(_create_url(case)).status_code == 404
    assert client.post(_create_url(case), _valid_post(koping)).status_code == 404
    assert not Disclosure.objects.filter(case=case).exists()


def test_colleague_without_a_reason_is_sent_to_the_case_page(login, colleague, case) -> None:
    response = login(colleague).get(_create_url(case))
    assert response.status_code == 302 and response["Location"] == _detail(case)


def test_form_refuses_other_methods(login, handler, case) -> None:
    client = login(handler)
    assert client.delete(_create_url(case)).status_code == 405
    assert client.put(_create_url(case)).status_code == 405


def test_valid_until_before_valid_from_is_a_field_error_and_keeps_the_input(
    login, handler, case, koping
) -> None:
    data = _valid_post(
        koping,
        consent_given_by="Mamma till skyddspersonen",
        valid_from="2030-05-10",
        valid_until="2030-05-01",
    )
    response = login(handler).post(_create_url(case), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"valid_until": ["Slutdatumet kan inte vara före startdatumet."]}
    html = response.content.decode()
    assert 'id="id_valid_until_error"' in html
    assert 'value="Mamma till skyddspersonen"' in html
    assert 'value="2030-05-10"' in html and 'value="2030-05-01"' in html
    assert form["scope"].value() == ["scope_persons", "scope_measures"]
    assert html.count(" checked") == 4  # basis, two scopes, consent form
    assert not Disclosure.objects.exists()


def test_consent_basis_requires_the_consent_details(login, handler, case, koping) -> None:
    data = _valid_post(koping, consent_given_by="", consent_form="", consent_date="")
    response = login(handler).post(_create_url(case), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["consent_given_by"] == ["Ange vem som lämnade samtycket."]
    assert errors["consent_form"] == ["Ange om samtycket var muntligt eller skriftligt."]
    assert errors["consent_date"] == ["Ange när samtycket lämnades."]
    assert not Disclosure.objects.exists()


def test_other_basis_requires_a_description(login, handler, case, koping) -> None:
    data = _valid_post(koping, legal_basis="other", legal_basis_text="  ")
    response = login(handler).post(_create_url(case), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "legal_basis_text": ["Beskriv grunden när du väljer ”Annan grund”."]
    }


def test_scope_and_recipient_are_required_and_must_be_social_services(
    login, handler, case, unit_b
) -> None:
    data = _valid_post(unit_b, scope=[])
    response = login(handler).post(_create_url(case), data)
    errors = response.context["form"].errors
    assert errors["scope"] == ["Välj minst en del av ärendet som lämnas ut."]
    assert errors["recipient"] == ["Välj en socialtjänst i listan."]


def test_invalid_date_gets_a_swedish_error(login, handler, case, koping) -> None:
    response = login(handler).post(_create_url(case), _valid_post(koping, valid_from="10/5"))
    assert response.context["form"].errors["valid_from"] == [
        "Ange ett giltigt datum som ÅÅÅÅ-MM-DD."
    ]


def test_non_consent_basis_drops_consent_details(login, handler, case, koping) -> None:
    data = _valid_post(koping, legal_basis="osl_10_2", consent_given_by="Någon", valid_until="")
    login(handler).post(_create_url(case), data)
    disclosure = Disclosure.objects.get()
    assert disclosure.consent_given_by == "" and disclosure.consent_date is None
    assert disclosure.valid_until is None


def test_closed_case_cannot_be_disclosed(login, handler, case, koping) -> None:
    case.status = case.Status.CLOSED
    case.save()
    response = login(handler).post(_create_url(case), _valid_post(koping))
    assert response.status_code == 302
    assert not Disclosure.objects.exists()


def test_service_refuses_a_police_unit_as_recipient(handler, case, unit_b) -> None:
    with pytest.raises(ValueError):
        services.create_disclosure(
            handler,
            case,
            recipient=unit_b,
            legal_basis="osl_10_2",
            scopes={"scope_persons"},
            valid_from=TODAY(),
        )


def test_service_refuses_social_services(social, case, koping) -> None:
    make_disclosure(case, koping, handlers=[social])
    with pytest.raises(Http404):
        services.create_disclosure(
            social,
            case,
            recipient=koping,
            legal_basis="osl_10_2",
            scopes={"scope_persons"},
            valid_from=TODAY(),
        )


# --- Withdrawal -----------------------------------------------------------------------------


def test_withdrawal_ends_access_on_the_next_request(login, handler, social, case, koping):
    disclosure = make_disclosure(case, koping, handlers=[social])
    social_client = login(social)
    assert social_client.get(_detail(case)).status_code == 200

    police = login(handler)
    assert police.get(_withdraw_url(disclosure)).status_code == 200
    response = police.post(_withdraw_url(disclosure), {"reason": "Samtycket återkallat"})
    assert response.status_code == 302 and response["Location"] == _detail(case)

    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at and disclosure.withdrawn_by == handler
    assert disclosure.withdrawal_reason == "Samtycket återkallat"
    assert social_client.get(_detail(case)).status_code == 404
    shared = social_client.get(reverse("cases:shared_cases"))
    assert case.reference not in shared.content.decode()


def test_withdrawal_is_journalled_without_the_reason(login, handler, social, case, koping):
    disclosure = make_disclosure(case, koping, handlers=[social])
    login(handler).post(_withdraw_url(disclosure), {"reason": "Samtycket återkallat av Nils"})
    entry = JournalEntry.objects.filter(case=case).latest("created_at")
    assert entry.text == "Utlämnandet till Socialtjänsten Köping återkallades."
    assert entry.visibility == JournalEntry.Visibility.POLICE_INTERNAL


def test_withdrawal_needs_a_reason(login, handler, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    response = login(handler).post(_withdraw_url(disclosure), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Ange skälet till att utlämnandet återkallas."]
    }
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None


def test_withdrawing_twice_is_a_conflict_not_a_second_entry(handler, case, koping) -> None:
    from cases.services import ConflictError

    disclosure = make_disclosure(case, koping)
    services.withdraw_disclosure(handler, disclosure, "Första")
    with pytest.raises(ConflictError):
        services.withdraw_disclosure(handler, Disclosure.objects.get(pk=disclosure.pk), "Andra")
    disclosure.refresh_from_db()
    assert disclosure.withdrawal_reason == "Första"


def test_stale_withdraw_form_tells_the_second_user(login, handler, head, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    first, second = login(handler), login(head)
    assert second.get(_withdraw_url(disclosure)).status_code == 200
    first.post(_withdraw_url(disclosure), {"reason": "Första"})
    response = second.post(_withdraw_url(disclosure), {"reason": "Andra"}, follow=True)
    assert "redan återkallat" in response.content.decode()
    disclosure.refresh_from_db()
    assert disclosure.withdrawal_reason == "Första"


@pytest.mark.parametrize("who", ["social", "social_head", "other_police", "admin"])
def test_others_cannot_withdraw(who, request, login, social, case, koping) -> None:
    disclosure = make_disclosure(case, koping, handlers=[social])
    client = login(request.getfixturevalue(who))
    assert client.get(_withdraw_url(disclosure)).status_code == 404
    assert client.post(_withdraw_url(disclosure), {"reason": "x"}).status_code == 404
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None


def test_disclosure_of_another_case_is_404(login, handler, case, koping) -> None:
    other = make_disclosure(make_case(handler), koping)
    url = reverse("cases:disclosure_withdraw", kwargs={"key": case.key, "pk": other.pk})
    assert login(handler).get(url).status_code == 404


def test_withdraw_refuses_other_methods(login, handler, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    assert login(handler).delete(_withdraw_url(disclosure)).status_code == 405


# --- Expiry ---------------------------------------------------------------------------------


def test_expiry_ends_access_the_next_day(login, handler, social, case, koping) -> None:
    make_disclosure(case, koping, handlers=[social], valid_until=TODAY())
    assert login(social).get(_detail(case)).status_code == 200
    tomorrow = timezone.now() + timedelta(days=1, hours=1)
    with time_machine.travel(tomorrow, tick=False):
        client = login(social)
        assert client.get(_detail(case)).status_code == 404
        assert case.reference not in client.get(reverse("cases:shared_cases")).content.decode()


def test_pending_disclosure_gives_no_access_until_it_starts(login, social, case, koping):
    make_disclosure(case, koping, handlers=[social], valid_from=TODAY() + timedelta(days=2))
    assert login(social).get(_detail(case)).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=2, hours=1), tick=False):
        assert login(social).get(_detail(case)).status_code == 200


# --- The recipient's head assigns handlers --------------------------------------------------


def test_head_assigns_handlers_and_only_they_see_the_case(
    login, social, social_head, case, koping
) -> None:
    eva = _member(koping)
    disclosure = make_disclosure(case, koping, handlers=[social])
    client = login(social_head)
    page = client.get(_handlers_url(disclosure))
    assert page.status_code == 200
    html = page.content.decode()
    assert eva.full_name in html and social.full_name in html
    assert "Hotbilden är hemlig" not in html

    response = client.post(_handlers_url(disclosure), {"handlers": [eva.pk]})
    assert response.status_code == 302 and response["Location"] == reverse("cases:shared_cases")
    assert list(disclosure.handlers.all()) == [eva]
    assert login(eva).get(_detail(case)).status_code == 200
    assert login(social).get(_detail(case)).status_code == 404

    entry = JournalEntry.objects.filter(case=case).latest("created_at")
    assert entry.author == social_head and entry.author_organisation == koping
    assert eva.full_name not in entry.text and social.full_name not in entry.text


def test_head_cannot_assign_someone_from_another_organisation(
    login, social_head, social_other, case, koping
) -> None:
    disclosure = make_disclosure(case, koping)
    response = login(social_head).post(_handlers_url(disclosure), {"handlers": [social_other.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["handlers"]
    assert not disclosure.handlers.exists()


def test_head_can_remove_everyone(login, social, social_head, case, koping) -> None:
    disclosure = make_disclosure(case, koping, handlers=[social])
    login(social_head).post(_handlers_url(disclosure), {})
    assert not disclosure.handlers.exists()


@pytest.mark.parametrize("who", ["social", "sala_head", "handler", "head", "admin"])
def test_only_the_recipient_head_assigns(who, request, login, social, case, koping) -> None:
    disclosure = make_disclosure(case, koping, handlers=[social])
    client = login(request.getfixturevalue(who))
    assert client.get(_handlers_url(disclosure)).status_code == 404
    assert client.post(_handlers_url(disclosure), {"handlers": []}).status_code == 404
    assert list(disclosure.handlers.all()) == [social]


def test_head_of_a_withdrawn_disclosure_gets_404(login, social_head, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    disclosure.withdrawn_at = timezone.now()
    disclosure.save()
    assert login(social_head).get(_handlers_url(disclosure)).status_code == 404


def test_service_refuses_a_handler_of_another_organisation(
    social_head, social_other, case, koping
) -> None:
    disclosure = make_disclosure(case, koping)
    with pytest.raises(PermissionError):
        services.set_disclosure_handlers(social_head, disclosure, [social_other])


def test_handlers_page_refuses_other_methods(login, social_head, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    assert login(social_head).delete(_handlers_url(disclosure)).status_code == 405


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
    person = PersonFactory(first_name="Sigrid", last_name="Skyddad")
    case = make_case(handler, protected=person)
    other = make_case(handler)
    disclosure = make_disclosure(case, koping, handlers=[social])
    make_disclosure(other, koping)
    sala_case = make_case(handler)
    make_disclosure(sala_case, sala)
    html = login(social_head).get(reverse("cases:shared_cases")).content.decode()
    assert case.reference in html and other.reference in html
    assert sala_case.reference not in html
    assert _handlers_url(disclosure) in html
    assert social.full_name in html
    assert "Sigrid" not in html and "Skyddad" not in html


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
        make_disclosure(make_case(handler), koping, handlers=[social, _member(koping)])
    many = {u: _count_queries(login(u), url) for u in (social, social_head)}
    assert few == many


# --- The panel on the case page -------------------------------------------------------------


def test_panel_for_the_responsible_handler_has_actions(login, handler, case, koping, sala):
    active = make_disclosure(case, koping)
    withdrawn = make_disclosure(case, sala)
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    html = login(handler).get(_detail(case)).content.decode()
    assert "Utlämnande till socialtjänsten" in html
    assert "Socialtjänsten Köping" in html and "Socialtjänsten Sala" in html
    assert "Återkallat" in html and "Aktivt" in html
    assert _withdraw_url(active) in html and _withdraw_url(withdrawn) not in html
    assert _create_url(case) in html
    assert reverse("cases:access_log", kwargs={"key": case.key}) in html


def test_panel_for_break_glass_has_no_actions(login, colleague, case, koping) -> None:
    from cases import access

    disclosure = make_disclosure(case, koping)
    access.break_the_glass(colleague, case, "Akut")
    html = login(colleague).get(_detail(case)).content.decode()
    assert "Socialtjänsten Köping" in html
    assert _withdraw_url(disclosure) not in html and _create_url(case) not in html
    assert reverse("cases:access_log", kwargs={"key": case.key}) not in html


def test_panel_for_social_services_shows_only_their_own_disclosure(
    login, social, case, koping, sala
) -> None:
    colleague_at_koping = _member(koping)
    own = make_disclosure(case, koping, handlers=[social, colleague_at_koping])
    sala_disclosure = make_disclosure(case, sala)
    sala_disclosure.consent_given_by = "Samtyckesgivare Sala"
    sala_disclosure.save()
    html = login(social).get(_detail(case)).content.decode()
    assert "Socialtjänsten Köping" in html
    assert "Socialtjänsten Sala" not in html and "Samtyckesgivare Sala" not in html
    assert colleague_at_koping.full_name not in html
    assert _withdraw_url(own) not in html
    assert reverse("cases:access_log", kwargs={"key": case.key}) not in html


def test_case_page_read_is_logged_exactly_once_with_the_panel(login, handler, case, koping):
    make_disclosure(case, koping)
    login(handler).get(_detail(case))
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
    eva = _member(koping)
    disclosure = make_disclosure(case, koping, handlers=[social])
    first, second = login(social_head), login(social_head)
    seen = second.get(_handlers_url(disclosure)).context["form"]["seen"].value()
    first_seen = first.get(_handlers_url(disclosure)).context["form"]["seen"].value()
    first.post(_handlers_url(disclosure), {"handlers": [eva.pk], "seen": first_seen})
    response = second.post(_handlers_url(disclosure), {"handlers": [social.pk], "seen": seen})
    assert response.status_code == 200
    assert "En annan chef har ändrat tilldelningen" in response.content.decode()
    assert list(disclosure.handlers.all()) == [eva]  # the first head's choice stands
    again = response.context["form"]["seen"].value()
    response = second.post(_handlers_url(disclosure), {"handlers": [social.pk], "seen": again})
    assert response.status_code == 302
    assert list(disclosure.handlers.all()) == [social]
