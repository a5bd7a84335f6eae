"""Disclosure to social services: the police form and withdrawal – persona by persona.
The recipient head's handler assignment, expiry, the shared-cases page and the case-page
panel are in test_sharing_recipients.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Membership, User
from cases import errors
from cases.models import AccessLogEntry, Disclosure, JournalEntry
from cases.sharing import services
from tests.cases.sharing_support import (
    TODAY,
    create_url,
    detail,
    handlers_url,
    member,
    valid_post,
    withdraw_url,
)
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    return make_case(handler, threat_picture="Hotbilden är hemlig (test)")


@pytest.fixture
def sala_head(sala) -> User:
    return member(sala, Membership.Role.HEAD)


# --- Creating a disclosure ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["handler", "head"])
def test_police_editors_see_the_form_and_disclose(who, request, login, case, koping) -> None:
    user = request.getfixturevalue(who)
    client = login(user)
    page = client.get(create_url(case))
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    assert "Hotbilden är hemlig" not in page.content.decode()

    response = client.post(create_url(case), valid_post(koping))
    assert response.status_code == 302 and response["Location"] == detail(case)
    disclosure = Disclosure.objects.get(case=case)
    assert disclosure.recipient == koping and disclosure.created_by == user
    assert disclosure.scope() == {"scope_persons", "scope_measures"}
    assert disclosure.consent_form == "written" and disclosure.state == "active"
    assert disclosure.valid_until == TODAY() + timedelta(days=90)


def test_disclosing_writes_a_journal_entry_without_personal_data(login, handler, case, koping):
    login(handler).post(create_url(case), valid_post(koping))
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
        "create": (handler, create_url(case)),
        "withdraw": (handler, withdraw_url(disclosure)),
        "handlers": (social_head, handlers_url(disclosure)),
    }[page]
    assert login(user).get(url).status_code == 200
    row = AccessLogEntry.objects.get(case=case)
    assert row.user == user and row.granted and row.channel == "part"


@pytest.mark.parametrize("who", ["other_police", "social", "social_other", "admin"])
def test_others_get_404_on_the_form(who, request, login, case, koping) -> None:
    make_disclosure(case, koping, handlers=[request.getfixturevalue("social")])
    client = login(request.getfixturevalue(who))
    assert client.get(create_url(case)).status_code == 404
    assert client.post(create_url(case), valid_post(koping)).status_code == 404
    assert Disclosure.objects.filter(case=case).count() == 1


def test_break_glass_colleague_may_read_but_not_disclose(login, colleague, case, koping):
    from cases import access

    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    client = login(colleague)
    assert client.get(create_url(case)).status_code == 404
    assert client.post(create_url(case), valid_post(koping)).status_code == 404
    assert not Disclosure.objects.filter(case=case).exists()


def test_colleague_without_a_reason_is_sent_to_the_case_page(login, colleague, case) -> None:
    response = login(colleague).get(create_url(case))
    assert response.status_code == 302 and response["Location"] == detail(case)


def test_form_refuses_other_methods(login, handler, case) -> None:
    client = login(handler)
    assert client.delete(create_url(case)).status_code == 405
    assert client.put(create_url(case)).status_code == 405


def test_valid_until_before_valid_from_is_a_field_error_and_keeps_the_input(
    login, handler, case, koping
) -> None:
    data = valid_post(
        koping,
        consent_given_by="Mamma till skyddspersonen",
        valid_from="2030-05-10",
        valid_until="2030-05-01",
    )
    response = login(handler).post(create_url(case), data)
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
    data = valid_post(koping, consent_given_by="", consent_form="", consent_date="")
    response = login(handler).post(create_url(case), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["consent_given_by"] == ["Ange vem som lämnade samtycket."]
    assert errors["consent_form"] == ["Ange om samtycket var muntligt eller skriftligt."]
    assert errors["consent_date"] == ["Ange när samtycket lämnades."]
    assert not Disclosure.objects.exists()


def test_other_basis_requires_a_description(login, handler, case, koping) -> None:
    data = valid_post(koping, legal_basis="other", legal_basis_text="  ")
    response = login(handler).post(create_url(case), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "legal_basis_text": ["Beskriv grunden när du väljer ”Annan grund”."]
    }


def test_scope_and_recipient_are_required_and_must_be_social_services(
    login, handler, case, unit_b
) -> None:
    data = valid_post(unit_b, scope=[])
    response = login(handler).post(create_url(case), data)
    errors = response.context["form"].errors
    assert errors["scope"] == ["Välj minst en del av ärendet som lämnas ut."]
    assert errors["recipient"] == ["Välj en socialtjänst i listan."]


def test_invalid_date_gets_a_swedish_error(login, handler, case, koping) -> None:
    response = login(handler).post(create_url(case), valid_post(koping, valid_from="10/5"))
    assert response.context["form"].errors["valid_from"] == ["Ange datumet som ÅÅÅÅ-MM-DD."]


def test_non_consent_basis_drops_consent_details(login, handler, case, koping) -> None:
    data = valid_post(koping, legal_basis="osl_10_2", consent_given_by="Någon", valid_until="")
    login(handler).post(create_url(case), data)
    disclosure = Disclosure.objects.get()
    assert disclosure.consent_given_by == "" and disclosure.consent_date is None
    assert disclosure.valid_until is None


def test_closed_case_cannot_be_disclosed(login, handler, case, koping) -> None:
    case.status = case.Status.CLOSED
    case.save()
    response = login(handler).post(create_url(case), valid_post(koping))
    assert response.status_code == 302
    assert not Disclosure.objects.exists()


def test_service_refuses_a_police_unit_as_recipient(handler, case, unit_b) -> None:
    with pytest.raises(errors.Invalid):
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
    with pytest.raises(errors.NotAllowed):
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
    assert social_client.get(detail(case)).status_code == 200

    police = login(handler)
    assert police.get(withdraw_url(disclosure)).status_code == 200
    response = police.post(withdraw_url(disclosure), {"reason": "Samtycket återkallat"})
    assert response.status_code == 302 and response["Location"] == detail(case)

    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at and disclosure.withdrawn_by == handler
    assert disclosure.withdrawal_reason == "Samtycket återkallat"
    assert social_client.get(detail(case)).status_code == 404
    shared = social_client.get(reverse("cases:shared_cases"))
    assert case.reference not in shared.content.decode()


def test_withdrawal_is_journalled_without_the_reason(login, handler, social, case, koping):
    disclosure = make_disclosure(case, koping, handlers=[social])
    login(handler).post(withdraw_url(disclosure), {"reason": "Samtycket återkallat av Nils"})
    entry = JournalEntry.objects.filter(case=case).latest("created_at")
    assert entry.text == "Utlämnandet till Socialtjänsten Köping återkallades."
    assert entry.visibility == JournalEntry.Visibility.POLICE_INTERNAL


def test_withdrawal_needs_a_reason(login, handler, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    response = login(handler).post(withdraw_url(disclosure), {"reason": ""})
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
    assert second.get(withdraw_url(disclosure)).status_code == 200
    first.post(withdraw_url(disclosure), {"reason": "Första"})
    response = second.post(withdraw_url(disclosure), {"reason": "Andra"}, follow=True)
    assert "redan återkallat" in response.content.decode()
    disclosure.refresh_from_db()
    assert disclosure.withdrawal_reason == "Första"


@pytest.mark.parametrize("who", ["social", "social_head", "other_police", "admin"])
def test_others_cannot_withdraw(who, request, login, social, case, koping) -> None:
    disclosure = make_disclosure(case, koping, handlers=[social])
    client = login(request.getfixturevalue(who))
    assert client.get(withdraw_url(disclosure)).status_code == 404
    assert client.post(withdraw_url(disclosure), {"reason": "x"}).status_code == 404
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None


def test_disclosure_of_another_case_is_404(login, handler, case, koping) -> None:
    other = make_disclosure(make_case(handler), koping)
    url = reverse("cases:disclosure_withdraw", kwargs={"key": case.key, "pk": other.pk})
    assert login(handler).get(url).status_code == 404


def test_withdraw_refuses_other_methods(login, handler, case, koping) -> None:
    disclosure = make_disclosure(case, koping)
    assert login(handler).delete(withdraw_url(disclosure)).status_code == 405
