"""Forms a person gets right the first time (issue 15, item 7): the participant role has no
default, and a failed submit shows an error summary that links to the fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Participant
from tests.cases.helpers import person_post
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_participant_role_has_no_default(login, handler) -> None:
    case = make_case(handler)
    url = reverse("cases:participant_add", kwargs={"key": case.key})
    client = login(handler)
    form = client.get(url).context["form"]
    assert form["role"].value() in (None, "")
    assert form.fields["role"].choices[0][0] == ""
    before = Participant.objects.filter(case=case).count()
    response = client.post(url, {"role": "", "existing": "", **person_post("person")})
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert Participant.objects.filter(case=case).count() == before


def test_a_failed_submit_shows_a_summary_linking_to_the_fields(login, handler) -> None:
    case = make_case(handler)
    url = reverse("cases:journal_add", kwargs={"key": case.key})
    body = login(handler).post(url, {"occurred_on": "", "visibility": "police", "text": ""}).text
    assert "data-error-summary" in body
    assert 'href="#id_occurred_on"' in body and 'href="#id_text"' in body
    assert 'id="id_occurred_on"' in body and 'id="id_text"' in body


def test_a_city_only_address_has_no_leading_comma(login, handler) -> None:
    case = make_case(
        handler, protected_contact={"street_address": "", "postal_code": "", "city": "Västerås"}
    )
    body = login(handler).get(reverse("cases:detail", kwargs={"key": case.key})).text
    assert "<dd>Västerås" in body and ", Västerås" not in body


def test_intake_stores_the_threat_actors_relationship_and_note(login, handler, unit_a) -> None:
    from cases.models import ProtectionCase
    from tests.cases.test_intake import URL, intake_post

    client = login(handler)
    form = client.get(URL).context["actor_details_form"]
    assert form["relationship"].value() in (None, "") and "note" in form.fields
    data = intake_post(unit_a)
    data["hotutovare-relationship"] = Participant.Relationship.FORMER_PARTNER
    data["hotutovare-note"] = "Har kontaktförbud sedan tidigare"
    response = client.post(URL, data)
    assert response.status_code == 302
    case = ProtectionCase.objects.get()
    actor = case.participants.get(role=Participant.Role.THREAT_ACTOR)
    assert actor.relationship == "former_partner"
    assert actor.note == "Har kontaktförbud sedan tidigare"
    protected = case.participants.get(role=Participant.Role.PROTECTED)
    assert protected.relationship == "" and protected.note == ""
    page = client.get(response["Location"]).text
    assert "Relation till skyddspersonen (hotutövare)</dt><dd>Tidigare partner</dd>" in page


def test_intake_refuses_a_relationship_without_a_threat_actor(login, handler, unit_a) -> None:
    from cases.models import ProtectionCase
    from tests.cases.test_intake import URL, intake_post

    data = {k: v for k, v in intake_post(unit_a).items() if not k.startswith("hotutovare-")}
    data.update({"hotutovare-protection": "none", "hotutovare-relationship": "partner"})
    response = login(handler).post(URL, data)
    assert response.status_code == 200
    assert response.context["actor_details_form"].errors["relationship"] == [
        "Fyll i hotutövarens uppgifter, eller lämna relation och anteckning tomma."
    ]
    assert not ProtectionCase.objects.exists()


def test_intake_refuses_an_unknown_relationship(login, handler, unit_a) -> None:
    from cases.models import ProtectionCase
    from tests.cases.test_intake import URL, intake_post

    data = {**intake_post(unit_a), "hotutovare-relationship": "enemy"}
    response = login(handler).post(URL, data)
    assert response.status_code == 200
    assert response.context["actor_details_form"].errors["relationship"]
    assert response.context["actor_form"]["first_name"].value() == "Hot"  # nothing lost
    assert not ProtectionCase.objects.exists()


def test_adding_a_participant_stores_the_relationship(login, handler) -> None:
    case = make_case(handler)
    url = reverse("cases:participant_add", kwargs={"key": case.key})
    data = {
        "role": Participant.Role.THREAT_ACTOR,
        "existing": "",
        "relationship": Participant.Relationship.FAMILY,
        "note": "Bror",
        **person_post("person", first_name="Ny", last_name="Hotutövare"),
    }
    response = login(handler).post(url, data)
    assert response.status_code == 302
    added = Participant.objects.get(case=case, person__last_name="Hotutövare")
    assert added.relationship == "family" and added.note == "Bror"
