"""Contact details belong to the case, identity to the person.

One person per personnummer (issue 11) must not carry one unit's phone and address into
another unit's case: a handler who registers a number already in a case they may not open
learns nothing beyond "already registered" – not on the case page, the person form, the plan,
its print view or its PDF – and their edits do not reach the other case.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from cases import access
from cases.models import Participant, Person, ProtectionCase
from cases.models.persons import personnummer_hmac
from cases.plan import services as plan_services
from tests.cases.helpers import person_post, valid_personnummer
from tests.cases.plan_support import pdf_text
from tests.cases.test_intake import intake_post
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db

PNR = valid_personnummer(date(1986, 4, 11), "552")
CREATE = reverse("cases:create")

Y_CONTACT = {
    "phone": "070-SNTLYPHONE",
    "street_address": "SNTLYSTREET 9",
    "postal_code": "SNTLYPC",
    "city": "SNTLYCITY",
}
X_CONTACT = {
    "phone": "070-555 55 55",
    "street_address": "Xgatan 2",
    "postal_code": "731 99",
    "city": "Arboga",
}


def _person() -> Person:
    return PersonFactory(
        first_name="Petra",
        last_name="Parsson",
        personnummer=PNR,
        personnummer_hmac=personnummer_hmac(PNR),
        date_of_birth=date(1986, 4, 11),
    )


def _register(client, unit, contact: dict[str, str]):
    """Intake of the registered number, with this handler's own contact details."""
    data = intake_post(unit)
    data.update(
        person_post(
            "skyddsperson",
            first_name="Petra",
            last_name="Parsson",
            personnummer=PNR,
            date_of_birth="",
            protection=Person.Protection.NONE,
            **contact,
        )
    )
    return client.post(CREATE, data, follow=True)


def _new_case(user: User, *exclude: ProtectionCase) -> ProtectionCase:
    return (
        ProtectionCase.objects.filter(unit=user.memberships.get().organisation)
        .exclude(pk__in=[c.pk for c in exclude])
        .latest("pk")
    )


def _person_url(case: ProtectionCase, person: Person) -> str:
    return reverse("cases:person_edit", kwargs={"key": case.key, "person_key": person.key})


def _case_url(case: ProtectionCase) -> str:
    return reverse("cases:detail", kwargs={"key": case.key})


def _plan_texts(client, user: User, case: ProtectionCase) -> dict[str, str]:
    """The plan page, its version page, print view and PDF (text, metadata, raw bytes)."""
    plan_services.start_version(user, case)
    texts = {}
    for name in ("plan", "plan_version", "plan_print"):
        kwargs: dict[str, object] = {"key": case.key}
        if name != "plan":
            kwargs["number"] = 1
        response = client.get(reverse(f"cases:{name}", kwargs=kwargs))
        assert response.status_code == 200, name
        texts[name] = response.content.decode() + repr(dict(response.headers))
    pdf = client.get(reverse("cases:plan_pdf", kwargs={"key": case.key, "number": 1}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    texts["plan_pdf"] = (
        " ".join(pdf_text(pdf.content).split())
        + repr(reader.metadata)
        + repr(dict(pdf.headers))
        + pdf.content.decode("latin-1")
    )
    return texts


def _contains_none(texts: dict[str, str], contact: dict[str, str]) -> None:
    for where, text in texts.items():
        for value in contact.values():
            assert value not in text, (where, value)


def test_another_units_contact_details_never_reach_the_registering_handler(
    login, handler, other_police, unit_a
) -> None:
    person = _person()
    y_case = make_case(other_police, protected=person, protected_contact=Y_CONTACT)
    assert not access.openable_cases(handler).filter(pk=y_case.pk).exists()

    x = login(handler)
    intake = _register(x, unit_a, X_CONTACT)
    assert intake.status_code == 200
    x_case = _new_case(handler)
    assert x_case.participants.get(role=Participant.Role.PROTECTED).person == person
    assert "var redan registrerat" in intake.text

    seen = {
        "intake answer": intake.text + repr(dict(intake.headers)),
        "case page": x.get(_case_url(x_case)).text,
        "person form": x.get(_person_url(x_case, person)).text,
        "history": login(handler).get(reverse("cases:history", kwargs={"key": x_case.key})).text,
        **_plan_texts(x, handler, x_case),
    }
    _contains_none(seen, Y_CONTACT)
    # What X typed is what X's case shows (not blank, not Y's).
    assert X_CONTACT["street_address"] in seen["case page"]
    assert X_CONTACT["phone"] in seen["person form"]
    assert X_CONTACT["street_address"] in seen["plan_print"]

    # X edits the person's contact details in X's case: Y's case keeps Y's.
    row = x_case.participants.get(person=person)
    response = x.post(
        _person_url(x_case, person),
        {
            **person_post(
                first_name="Petra",
                last_name="Parsson",
                personnummer=PNR,
                date_of_birth="",
                protection=Person.Protection.NONE,
                phone="070-666 66 66",
                street_address="Xvägen 3",
                postal_code="731 98",
                city="Kungsör",
            ),
            "version": person.version,
            "contact_version": row.contact_version,
        },
    )
    assert response.status_code == 302
    assert x_case.participants.get(person=person).street_address == "Xvägen 3"
    y_row = y_case.participants.get(person=person)
    assert {name: getattr(y_row, name) for name in Y_CONTACT} == Y_CONTACT
    assert y_row.contact_version == 1
    y_page = login(other_police).get(_case_url(y_case)).text
    assert Y_CONTACT["street_address"] in y_page and Y_CONTACT["phone"] in y_page
    for value in (*X_CONTACT.values(), "Xvägen 3", "070-666 66 66"):
        assert value not in y_page
    # Nor does Y's case history say that somebody changed a phone or an address elsewhere.
    y_history = login(other_police).get(reverse("cases:history", kwargs={"key": y_case.key}))
    assert "Användare utanför enheten" not in y_history.text


def test_adding_a_registered_person_as_participant_copies_nothing_from_elsewhere(
    login, handler, other_police
) -> None:
    person = _person()
    make_case(other_police, protected=person, protected_contact=Y_CONTACT)
    x_case = make_case(handler)
    client = login(handler)
    response = client.post(
        reverse("cases:participant_add", kwargs={"key": x_case.key}),
        {
            "role": "relative",
            "existing": "",
            **person_post(
                "person",
                first_name="Petra",
                last_name="Parsson",
                personnummer=PNR,
                date_of_birth="",
                phone="",
                street_address="",
                postal_code="",
                city="",
            ),
        },
        follow=True,
    )
    assert response.status_code == 200
    row = x_case.participants.get(person=person)
    assert (row.phone, row.street_address, row.postal_code, row.city) == ("", "", "", "")
    _contains_none(
        {
            "answer": response.text,
            "case page": client.get(_case_url(x_case)).text,
            "person form": client.get(_person_url(x_case, person)).text,
        },
        Y_CONTACT,
    )


def test_a_handler_who_opens_both_cases_sees_each_cases_own_details(login, handler, unit_a) -> None:
    person = _person()
    first_contact = {
        "phone": "070-111 00 01",
        "street_address": "Förstagatan 1",
        "postal_code": "731 01",
        "city": "Köping",
    }
    first = make_case(handler, protected=person, protected_contact=first_contact)
    client = login(handler)
    intake = _register(client, unit_a, X_CONTACT)
    second = _new_case(handler, first)
    # The match is in a case the handler may open: it is named and linked.
    assert first.reference in intake.text

    for case, own, other in ((first, first_contact, X_CONTACT), (second, X_CONTACT, first_contact)):
        page = client.get(_case_url(case)).text
        form = client.get(_person_url(case, person)).text
        for value in own.values():
            assert value in page and value in form
        for value in (other["phone"], other["street_address"]):
            assert value not in page and value not in form
    # The identity is one record; the contact details are two, one per case.
    rows = Participant.objects.filter(person=person, role=Participant.Role.PROTECTED)
    assert {row.case_id for row in rows} == {first.pk, second.pk}
    assert Person.objects.filter(personnummer_hmac=personnummer_hmac(PNR)).count() == 1
