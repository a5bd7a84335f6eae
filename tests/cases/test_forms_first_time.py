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
