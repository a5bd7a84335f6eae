"""Participants, secret dwellings, journal entries and responsible handlers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases import access, errors, services
from cases.models import JournalEntry, Participant, Person, SecretDwelling
from tests.cases.helpers import person_post
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db


def u(name: str, case, **kwargs) -> str:
    return reverse(name, kwargs={"key": case.key, **kwargs})


def test_add_a_new_person_as_child(login, handler) -> None:
    case = make_case(handler)
    response = login(handler).post(
        u("cases:participant_add", case),
        {"role": "child", "existing": "", "note": "Går i skolan", **person_post("person")},
    )
    assert response.status_code == 302
    child = case.participants.get(role="child")
    assert child.person.first_name == "Maja" and child.note == "Går i skolan"
    assert JournalEntry.objects.filter(case=case, text="Deltagare tillagd (barn).").exists()


def test_add_an_existing_person_of_the_case_in_another_role(login, handler) -> None:
    case = make_case(handler)
    actor = case.participants.get(role="threat_actor").person
    client = login(handler)
    response = client.post(
        u("cases:participant_add", case),
        {"role": "relative", "existing": str(actor.key), "person-protection": "none"},
    )
    assert response.status_code == 302
    assert set(actor.participations.values_list("role", flat=True)) == {"threat_actor", "relative"}
    # The same role twice is a field error, nothing created.
    response = client.post(
        u("cases:participant_add", case),
        {"role": "relative", "existing": str(actor.key), "person-protection": "none"},
    )
    assert response.status_code == 200
    assert "Personen har redan den rollen i ärendet." in response.text


def test_a_person_of_another_case_cannot_be_picked(login, handler) -> None:
    case, other = make_case(handler), make_case(handler)
    stranger = other.participants.get(role="protected").person
    response = login(handler).post(
        u("cases:participant_add", case),
        {"role": "relative", "existing": str(stranger.key), **person_post("person")},
    )
    assert response.status_code == 200
    assert "Välj ett av alternativen." in response.text
    assert not case.participants.filter(person=stranger).exists()


def test_new_person_errors_keep_what_was_typed(login, handler) -> None:
    case = make_case(handler)
    response = login(handler).post(
        u("cases:participant_add", case),
        {"role": "child", "existing": "", **person_post("person", personnummer="20100101-0000")},
    )
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte" in response.text and "Hemliggatan 7" in response.text
    assert not case.participants.filter(role="child").exists()


def test_one_person_can_be_in_several_cases(handler) -> None:
    first, second = make_case(handler), make_case(handler)
    actor = first.participants.get(role="threat_actor").person
    Participant.objects.create(case=second, person=actor, role="threat_actor")
    assert actor.participations.count() == 2


def test_remove_participant_deletes_a_person_left_in_no_case(login, handler) -> None:
    case = make_case(handler)
    actor = case.participants.get(role="threat_actor")
    SecretDwelling.objects.create(case=case, person=actor.person, description="x", address="y")
    client = login(handler)
    page = client.get(u("cases:participant_remove", case, participant_id=actor.pk))
    assert page.status_code == 200 and actor.person.full_name in page.text
    response = client.post(u("cases:participant_remove", case, participant_id=actor.pk))
    assert response.status_code == 302
    assert not Person.objects.filter(pk=actor.person_id).exists()
    assert not SecretDwelling.objects.exists()


def test_remove_participant_keeps_a_person_of_another_case(login, handler) -> None:
    case, other = make_case(handler), make_case(handler)
    actor = case.participants.get(role="threat_actor")
    Participant.objects.create(case=other, person=actor.person, role="threat_actor")
    login(handler).post(u("cases:participant_remove", case, participant_id=actor.pk))
    assert Person.objects.filter(pk=actor.person_id).exists()
    assert not case.participants.filter(pk=actor.pk).exists()


def test_the_last_protected_person_stays(login, handler) -> None:
    case = make_case(handler)
    protected = case.participants.get(role="protected")
    response = login(handler).post(u("cases:participant_remove", case, participant_id=protected.pk))
    assert response.status_code == 200
    assert "Ärendet måste ha minst en skyddsperson." in response.text
    assert case.participants.filter(pk=protected.pk).exists()


def test_participant_of_another_case_is_404(login, handler) -> None:
    case, other = make_case(handler), make_case(handler)
    foreign = other.participants.get(role="threat_actor")
    client = login(handler)
    assert (
        client.get(u("cases:participant_remove", case, participant_id=foreign.pk)).status_code
        == 404
    )
    assert (
        client.post(u("cases:participant_remove", case, participant_id=foreign.pk)).status_code
        == 404
    )


def test_assigned_handler_registers_a_police_only_dwelling(login, handler, head) -> None:
    case = make_case(handler)
    person = case.participants.get(role="protected").person
    url = u("cases:dwelling_add", case, person_key=person.key)
    response = login(handler).post(
        url,
        {
            "description": "Skyddat boende",
            "address": "Hemlig väg 9",
            "police_only": "on",
            "valid_from": "2026-01-01",
            "valid_until": "2026-06-30",
        },
    )
    assert response.status_code == 302
    dwelling = SecretDwelling.objects.get()
    assert dwelling.police_only and dwelling.person == person
    # The head is not offered the flag (and could not see the dwelling afterwards).
    assert "police_only" not in login(head).get(url).context["form"].fields
    assert (
        login(head).get(u("cases:dwelling_remove", case, dwelling_id=dwelling.pk)).status_code
        == 404
    )


def test_dwelling_dates_in_the_wrong_order(login, handler) -> None:
    case = make_case(handler)
    person = case.participants.get(role="protected").person
    response = login(handler).post(
        u("cases:dwelling_add", case, person_key=person.key),
        {
            "description": "Boende",
            "address": "Adress 1",
            "valid_from": "2026-02-01",
            "valid_until": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "Slutdatumet ligger före startdatumet." in response.text and "Adress 1" in response.text


def test_remove_dwelling(login, handler) -> None:
    case = make_case(handler)
    person = case.participants.get(role="protected").person
    dwelling = SecretDwelling.objects.create(case=case, person=person, description="x", address="y")
    response = login(handler).post(u("cases:dwelling_remove", case, dwelling_id=dwelling.pk))
    assert response.status_code == 302 and not SecretDwelling.objects.exists()


def test_service_refuses_police_only_dwelling_from_the_head(handler, head) -> None:
    case = make_case(handler)
    person = case.participants.get(role="protected").person
    with pytest.raises(errors.NotAllowed):
        services.add_dwelling(
            head, case, person, {"description": "x", "address": "y", "police_only": True}
        )


def test_journal_entry_internal_and_shared(login, handler, social, koping) -> None:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    client = login(handler)
    url = u("cases:journal_add", case)
    assert client.get(url).context["form"]["occurred_on"].value() == date.today()
    client.post(url, {"occurred_on": "2026-01-05", "visibility": "police", "text": "Bara polisen"})
    client.post(url, {"occurred_on": "2026-01-06", "visibility": "shared", "text": "Till soc"})
    assert JournalEntry.objects.filter(case=case, kind="note", author=handler).count() == 2
    page = login(social).get(reverse("cases:detail", kwargs={"key": case.key})).text
    assert "Till soc" in page and "Bara polisen" not in page


def test_journal_entry_errors(login, handler) -> None:
    case = make_case(handler)
    future = (date.today() + timedelta(days=2)).isoformat()
    response = login(handler).post(
        u("cases:journal_add", case), {"occurred_on": future, "visibility": "x", "text": "Kvar"}
    )
    assert response.status_code == 200
    assert "Datumet får inte ligga i framtiden." in response.text
    assert "Välj ett av alternativen." in response.text and "Kvar" in response.text


def test_social_services_write_shared_notes_read_by_police_and_own_org_only(
    login, handler, social, social_other, koping, sala
) -> None:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    make_disclosure(case, sala, handlers=[social_other])
    response = login(social).post(
        u("cases:journal_add", case),
        {"occurred_on": "2026-01-05", "visibility": "police", "text": "Hembesök gjort"},
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get(case=case, kind="note")
    # Always in the shared journal, whatever was posted; written by Köping.
    assert (entry.visibility, entry.author, entry.author_organisation) == ("shared", social, koping)
    detail = reverse("cases:detail", kwargs={"key": case.key})
    assert "Hembesök gjort" in login(handler).get(detail).text
    assert "Hembesök gjort" in login(social).get(detail).text
    assert "Hembesök gjort" not in login(social_other).get(detail).text  # another recipient


def test_social_services_without_disclosure_or_on_a_closed_case_cannot_write(
    login, handler, social, koping
) -> None:
    case = make_case(handler)
    post = {"occurred_on": "2026-01-05", "text": "x"}
    assert login(social).post(u("cases:journal_add", case), post).status_code == 404
    make_disclosure(case, koping, handlers=[social])
    case.status = "closed"
    case.save()
    login(social).post(u("cases:journal_add", case), post)
    assert not JournalEntry.objects.filter(case=case, kind="note").exists()


def test_head_assigns_and_unassigns_a_handler(login, handler, colleague, head) -> None:
    case = make_case(handler)
    client = login(head)
    assert (
        client.post(u("cases:assign_handler", case), {"handler": colleague.pk}).status_code == 302
    )
    assert case in access.assigned_cases(colleague)
    assert services.responsible_handlers(case) == [handler, colleague]
    client.post(u("cases:unassign_handler", case), {"handler": handler.pk})
    assert services.responsible_handlers(case) == [colleague]
    # The last responsible handler stays.
    response = client.post(
        u("cases:unassign_handler", case), {"handler": colleague.pk}, follow=True
    )
    assert "Ärendet måste ha minst en ansvarig handläggare." in response.text
    assert services.responsible_handlers(case) == [colleague]


def test_only_unit_members_can_be_assigned(login, handler, other_police) -> None:
    case = make_case(handler)
    response = login(handler).post(
        u("cases:assign_handler", case), {"handler": other_police.pk}, follow=True
    )
    assert "Välj en handläggare i listan." in response.text
    assert case not in access.assigned_cases(other_police)


def test_case_page_offers_assignment_to_managers_only(login, handler, colleague, head) -> None:
    case = make_case(handler)
    page = login(head).get(reverse("cases:detail", kwargs={"key": case.key}))
    assert page.context["assign_form"] is not None
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    page = login(colleague).get(reverse("cases:detail", kwargs={"key": case.key}))
    assert page.context["assign_form"] is None
    assert (
        login(colleague)
        .post(u("cases:assign_handler", case), {"handler": colleague.pk})
        .status_code
        == 404
    )


def test_removing_a_persons_last_role_removes_the_dwellings_this_case_registered(
    login, handler, head
) -> None:
    first = make_case(handler)
    actor = first.participants.get(role="threat_actor")
    second = make_case(head)
    Participant.objects.create(case=second, person=actor.person, role="threat_actor")
    SecretDwelling.objects.create(case=first, person=actor.person, description="x", address="y")
    response = login(handler).post(u("cases:participant_remove", first, participant_id=actor.pk))
    assert response.status_code == 302
    assert not SecretDwelling.objects.filter(case=first).exists()
