"""Nytt skyddsärende: one form, one transaction, the reference shown afterwards."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Membership
from cases import access
from cases.models import AccessLogEntry, JournalEntry, Participant, Person, ProtectionCase
from cases.models.persons import personnummer_hmac
from tests.cases.helpers import person_post, valid_personnummer
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
URL = reverse("cases:create")


def intake_post(unit, **case: object) -> dict[str, object]:
    data: dict[str, object] = {
        "unit": unit.pk,
        "category": ProtectionCase.Category.HONOUR,
        "threat_picture": "Hot från släkten (test)",
    }
    data.update(case)
    data.update(
        person_post(
            "skyddsperson",
            personnummer=valid_personnummer(date(1990, 5, 17)),
            protection=Person.Protection.SKYDDAD_FOLKBOKFORING,
        )
    )
    data.update(
        person_post(
            "hotutovare",
            first_name="Hot",
            last_name="Utövarsson",
            date_of_birth="1970-01-01",
            street_address="Hotgatan 1",
        )
    )
    return data


def test_handler_opens_a_case_with_protected_person_and_threat_actor(
    login, handler, colleague, unit_a
) -> None:
    client = login(handler)
    response = client.post(URL, intake_post(unit_a, responsible=[colleague.pk]))
    case = ProtectionCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"key": case.key})
    page = client.get(response["Location"])
    assert f"Skyddsärendet har skapats med diarienummer {case.reference}" in page.text
    assert case.reference.startswith(f"PSS-U-{date.today().year}-")
    assert case.category == "honour" and not case.restricted
    assert set(access.assigned_cases(handler)) == {case}
    assert set(access.assigned_cases(colleague)) == {case}
    protected = case.participants.get(role=Participant.Role.PROTECTED).person
    assert protected.personnummer == valid_personnummer(date(1990, 5, 17))
    assert protected.personnummer_hmac == personnummer_hmac(protected.personnummer)
    assert protected.date_of_birth == date(1990, 5, 17)
    assert protected.protection == Person.Protection.SKYDDAD_FOLKBOKFORING
    actor = case.participants.get(role=Participant.Role.THREAT_ACTOR).person
    assert actor.full_name == "Hot Utövarsson" and actor.personnummer_hmac == ""
    assert JournalEntry.objects.filter(case=case, text="Ärendet öppnades.").exists()
    # The case page read is logged once.
    assert AccessLogEntry.objects.filter(case=case, channel="detail", granted=True).count() == 1


def test_threat_actor_is_optional(login, handler, unit_a) -> None:
    data = {k: v for k, v in intake_post(unit_a).items() if not k.startswith("hotutovare-")}
    data["hotutovare-protection"] = "none"
    response = login(handler).post(URL, data)
    assert response.status_code == 302
    case = ProtectionCase.objects.get()
    assert list(case.participants.values_list("role", flat=True)) == ["protected"]


def test_bad_personnummer_gives_a_swedish_error_and_keeps_everything_typed(
    login, handler, unit_a
) -> None:
    data = intake_post(unit_a, threat_picture="Unik hotbild 4711")
    data["skyddsperson-personnummer"] = "19900517-0000"
    response = login(handler).post(URL, data)
    assert response.status_code == 200
    assert not ProtectionCase.objects.exists() and not Person.objects.exists()
    form = response.context["protected_form"]
    assert list(form.errors) == ["personnummer"]
    assert "Kontrollsiffran stämmer inte" in form.errors["personnummer"][0]
    html = response.text
    for typed in (
        "Unik hotbild 4711",
        "19900517-0000",
        "Hemliggatan 7",
        "Hotgatan 1",
        "Utövarsson",
    ):
        assert typed in html
    assert "Formuläret innehåller fel" in html


def test_impossible_date_is_refused(login, handler, unit_a) -> None:
    data = intake_post(unit_a)
    data["skyddsperson-personnummer"] = "19900231-1234"
    response = login(handler).post(URL, data)
    assert "Datumet i numret finns inte." in response.text
    assert not ProtectionCase.objects.exists()


def test_threat_actor_with_details_but_no_name_is_an_error(login, handler, unit_a) -> None:
    data = intake_post(unit_a)
    data["hotutovare-first_name"] = ""
    response = login(handler).post(URL, data)
    assert response.status_code == 200
    assert "first_name" in response.context["actor_form"].errors
    assert not ProtectionCase.objects.exists()


def test_unit_and_responsible_come_from_the_users_own_units(
    login, handler, unit_a, unit_b, other_police
) -> None:
    client = login(handler)
    page = client.get(URL)
    form = page.context["form"]
    assert list(form.fields["unit"].queryset) == [unit_a]
    assert other_police not in form.fields["responsible"].queryset
    assert client.post(URL, intake_post(unit_b)).status_code == 200
    response = client.post(URL, intake_post(unit_a, responsible=[other_police.pk]))
    assert response.status_code == 200
    assert "responsible" in response.context["form"].errors
    assert not ProtectionCase.objects.exists()


def test_member_of_two_units_picks_one_and_its_handlers_only(login, handler, unit_a) -> None:
    unit_c = OrganisationFactory(name="PSS Tredje", reference_prefix="PSS-C")
    Membership.objects.create(user=handler, organisation=unit_c, role="handler")
    c_handler = MembershipFactory(organisation=unit_c, user__full_name="Cecil C").user
    response = login(handler).post(URL, intake_post(unit_a, responsible=[c_handler.pk]))
    assert "Ansvariga handläggare måste tillhöra den valda enheten." in response.text
    response = login(handler).post(URL, intake_post(unit_c, responsible=[c_handler.pk]))
    assert response.status_code == 302
    assert ProtectionCase.objects.get().reference.startswith("PSS-C-")


def test_restricted_case_from_intake(login, handler, colleague, unit_a) -> None:
    login(handler).post(URL, intake_post(unit_a, restricted="on"))
    case = ProtectionCase.objects.get()
    assert case.restricted
    assert case not in access.listable_cases(colleague)


@pytest.mark.parametrize("persona", ["social", "social_other", "admin"])
def test_non_police_get_404(request, login, persona) -> None:
    user = request.getfixturevalue(persona)
    assert login(user).get(URL).status_code == 404
    assert login(user).post(URL, {}).status_code == 404


def test_wrong_method_is_405(login, handler) -> None:
    assert login(handler).delete(URL).status_code == 405
