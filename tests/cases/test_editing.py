"""Editing a case and a person: optimistic locking, change history without protected values."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import JournalEntry, Participant, ProtectionCase
from cases.models.persons import personnummer_hmac
from tests.cases.helpers import person_post, valid_personnummer
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db


def edit_url(case) -> str:
    return reverse("cases:edit", kwargs={"key": case.key})


def person_url(case, person) -> str:
    return reverse("cases:person_edit", kwargs={"key": case.key, "person_key": person.key})


def contact_of(case, person) -> Participant:
    """The person's contact details in ``case`` (the case's, not the person's)."""
    return Participant.objects.filter(case=case, person=person).order_by("pk").first()


def case_post(version: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": version,
        "category": ProtectionCase.Category.STALKING,
        "threat_picture": "Ny hotbild",
    }
    data.update(overrides)
    return data


def test_handler_edits_the_case(login, handler) -> None:
    case = make_case(handler)
    response = login(handler).post(edit_url(case), case_post(1, restricted="on"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.category, case.threat_picture, case.restricted, case.version) == (
        "stalking",
        "Ny hotbild",
        True,
        2,
    )
    row = case.history.first()
    assert row.history_user == handler
    assert row.history_change_reason == (
        "Ändrade skyddade uppgifter: hotbild; ändrade: kategori, särskilt personsäkerhetsarbete"
    )
    assert JournalEntry.objects.filter(
        case=case, text__startswith="Ärendeuppgifter sparade"
    ).exists()


def test_second_save_of_the_case_gets_a_conflict_and_keeps_both(login, handler, head) -> None:
    case = make_case(handler, threat_picture="Ursprunglig")
    first, second = login(handler), login(head)
    # Both open the form at version 1.
    assert first.get(edit_url(case)).context["form"]["version"].value() == 1
    assert second.get(edit_url(case)).status_code == 200
    first.post(edit_url(case), case_post(1, threat_picture="Första sparade"))
    response = second.post(edit_url(case), case_post(1, threat_picture="Andras text"))
    assert response.status_code == 200
    assert "Någon annan har sparat ändringar medan du redigerade" in response.text
    assert "Andras text" in response.text  # what the second user typed
    assert "Första sparade" in response.text  # what is saved now, shown beside it
    case.refresh_from_db()
    assert case.threat_picture == "Första sparade" and case.version == 2
    # The re-rendered form carries the saved version: saving again is a deliberate overwrite.
    assert response.context["form"]["version"].value() == "2"
    second.post(edit_url(case), {**case_post(2, threat_picture="Andras text")})
    case.refresh_from_db()
    assert case.threat_picture == "Andras text" and case.version == 3


def test_case_edit_errors_keep_the_text(login, handler) -> None:
    case = make_case(handler)
    response = login(handler).post(edit_url(case), case_post(1, category="nonsense"))
    assert response.status_code == 200
    assert "Välj ett av alternativen." in response.text and "Ny hotbild" in response.text


def test_handler_edits_a_person(login, handler) -> None:
    person = PersonFactory()
    case = make_case(
        handler, protected=person, protected_contact={"phone": "070-1", "street_address": "G 1"}
    )
    old = contact_of(case, person)
    number = valid_personnummer(date(1991, 1, 2))
    response = login(handler).post(
        person_url(case, person),
        {
            **person_post(
                personnummer=number,
                date_of_birth="",
                phone="070-2",
                street_address="Nya gatan 2",
                first_name=person.first_name,
                last_name=person.last_name,
                postal_code=old.postal_code,
                city=old.city,
            ),
            "version": 1,
            "contact_version": 1,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    row = contact_of(case, person)
    assert (row.phone, row.street_address, row.contact_version) == ("070-2", "Nya gatan 2", 2)
    assert person.version == 2
    assert person.personnummer_hmac == personnummer_hmac(number)
    history = person.history.first()
    assert history.history_user == handler
    # The person's history (read from every case of theirs) names the person's own fields;
    # the case's journal names the contact details changed in this case too.
    assert history.history_change_reason == "Ändrade skyddade uppgifter: personnummer, födelsedatum"
    entry = JournalEntry.objects.get(case=case, event="person_saved")
    assert entry.author == handler
    assert entry.params["changes"]["protected"] == [
        "personnummer",
        "födelsedatum",
        "telefon",
        "adress",
    ]
    assert "070-2" not in entry.text and "Nya gatan" not in entry.text


def test_second_save_of_a_person_gets_a_conflict(login, handler, head) -> None:
    person = PersonFactory()
    case = make_case(handler, protected=person)
    base = person_post(first_name=person.first_name, last_name=person.last_name)
    versions = {"version": 1, "contact_version": 1}
    login(handler).post(person_url(case, person), {**base, "phone": "070-999", **versions})
    response = login(head).post(
        person_url(case, person), {**base, "street_address": "Chefens gata 5", **versions}
    )
    assert response.status_code == 200
    assert "Någon annan har sparat ändringar" in response.text
    assert "Chefens gata 5" in response.text and "070-999" in response.text
    row = contact_of(case, person)
    assert row.phone == "070-999" and row.street_address == "Hemliggatan 7"
    # The form now carries both saved versions: saving again is a deliberate overwrite.
    form = response.context["form"]
    assert (form["version"].value(), form["contact_version"].value()) == ("2", "2")


def test_a_contact_only_edit_is_version_checked_too(login, handler, head) -> None:
    person = PersonFactory()
    case = make_case(handler, protected=person)
    base = person_post(first_name=person.first_name, last_name=person.last_name, date_of_birth="")
    versions = {"version": 1, "contact_version": 1}
    assert login(handler).post(person_url(case, person), {**base, **versions}).status_code == 302
    person.refresh_from_db()
    assert person.version == 1  # only this case's contact details changed
    response = login(head).post(person_url(case, person), {**base, "phone": "070-3", **versions})
    assert response.status_code == 200 and "Någon annan har sparat ändringar" in response.text
    assert contact_of(case, person).phone == "070-111 22 33"


def test_bad_personnummer_on_edit_keeps_the_other_fields(login, handler) -> None:
    person = PersonFactory()
    case = make_case(handler, protected=person)
    response = login(handler).post(
        person_url(case, person),
        {
            **person_post(personnummer="19900101-0000", city="Arboga"),
            "version": 1,
            "contact_version": 1,
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["personnummer"]
    assert "Arboga" in response.text and "19900101-0000" in response.text
    person.refresh_from_db()
    assert person.version == 1


def test_person_of_another_case_is_404_through_this_case(login, handler) -> None:
    case = make_case(handler)
    other = make_case(handler)
    person = other.participants.get(role=Participant.Role.PROTECTED).person
    assert login(handler).get(person_url(case, person)).status_code == 404


def _history_rows() -> str:
    """Every row of every simple-history table, as text."""
    with connection.cursor() as cursor:
        texts = []
        for table in ("cases_historicalperson", "cases_historicalprotectioncase"):
            cursor.execute(f"SELECT * FROM {table}")
            texts += [repr(row) for row in cursor.fetchall()]
    return "\n".join(texts)


def test_history_records_who_changed_the_address_never_the_address(login, handler) -> None:
    person = PersonFactory()
    case = make_case(
        handler,
        protected=person,
        protected_contact={"street_address": "Gamla hemliga vägen 1", "postal_code": "111 11"},
        threat_picture="Hemlig hotbild A",
    )
    old = contact_of(case, person)
    base = person_post(
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth="",
        phone=old.phone,
        city=old.city,
    )
    login(handler).post(
        person_url(case, person),
        {
            **base,
            "street_address": "Nya hemliga vägen 2",
            "postal_code": "222 22",
            "date_of_birth": "1990-05-17",
            "version": 1,
            "contact_version": 1,
        },
    )
    login(handler).post(edit_url(case), case_post(1, threat_picture="Hemlig hotbild B"))
    assert contact_of(case, person).street_address == "Nya hemliga vägen 2"

    rows = _history_rows()
    for secret in (
        "Gamla hemliga vägen",
        "Nya hemliga vägen",
        "111 11",
        "222 22",
        "Hemlig hotbild",
        person.first_name,
        person.last_name,
        old.phone,
        "1990-05-17",
    ):
        assert secret not in rows, secret
    change = person.history.filter(history_type="~").get()
    assert change.history_user == handler
    # The address is this case's: the person's history names only the person's field.
    assert change.history_change_reason == "Ändrade skyddade uppgifter: födelsedatum"
    entry = JournalEntry.objects.get(case=case, event="person_saved")
    assert entry.params["changes"]["protected"] == ["födelsedatum", "adress"]
    assert "hemliga vägen" not in entry.text and "222 22" not in entry.text


def test_history_page_lists_who_changed_what(login, handler, head) -> None:
    person = PersonFactory()
    case = make_case(handler, protected=person)
    base = person_post(first_name=person.first_name, last_name=person.last_name)
    login(handler).post(person_url(case, person), {**base, "version": 1, "contact_version": 1})
    page = login(head).get(reverse("cases:history", kwargs={"key": case.key}))
    assert page.status_code == 200
    assert "Ändrade skyddade uppgifter:" in page.text and "Hanna Handläggare" in page.text
    assert "Hemliggatan 7" not in page.text


def test_history_hides_names_of_staff_outside_the_unit(login, handler, other_police) -> None:
    from cases import services

    person = PersonFactory()
    case = make_case(handler, protected=person)
    other_case = make_case(other_police)
    Participant.objects.create(case=other_case, person=person, role="relative")
    identity = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    services.update_person(
        other_police,
        other_case,
        person,
        version=1,
        contact_version=1,
        data={**identity, "phone": "070-5"},
    )
    page = login(handler).get(reverse("cases:history", kwargs={"key": case.key})).text
    # A change of the other case's contact details is no part of this case's history.
    assert "Användare utanför enheten" not in page
    services.update_person(
        other_police,
        other_case,
        person,
        version=1,
        contact_version=2,
        data={**identity, "phone": "070-5", "date_of_birth": date(1980, 1, 1)},
    )
    page = login(handler).get(reverse("cases:history", kwargs={"key": case.key})).text
    assert "Användare utanför enheten" in page and "Olle Annan" not in page


def test_colleague_with_break_the_glass_cannot_edit_or_read_history(login, handler, colleague):
    from cases import access

    case = make_case(handler)
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    client = login(colleague)
    for name in ("cases:edit", "cases:history"):
        assert client.get(reverse(name, kwargs={"key": case.key})).status_code == 404
    assert client.post(edit_url(case), case_post(1)).status_code == 404
    case.refresh_from_db()
    assert case.version == 1


def test_a_new_personnummer_replaces_the_date_derived_from_the_old_one(login, handler) -> None:
    old = valid_personnummer(date(1980, 1, 1))
    person = PersonFactory(personnummer=old, date_of_birth=date(1980, 1, 1))
    case = make_case(handler, protected=person)
    new = valid_personnummer(date(1981, 2, 2))
    base = person_post(first_name=person.first_name, last_name=person.last_name)
    response = login(handler).post(
        person_url(case, person),
        {
            **base,
            "personnummer": new,
            "date_of_birth": "1980-01-01",
            "version": 1,
            "contact_version": 1,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.personnummer == new and person.date_of_birth == date(1981, 2, 2)
