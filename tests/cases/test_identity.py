"""One person per personnummer, within need to know; protection follows the family
(issue 11, items 1 and 2)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cases import errors, services
from cases.models import ContactBan, JournalEntry, Participant, Person, ProtectionCase
from cases.models.persons import personnummer_hmac
from tests.cases.helpers import person_post, valid_personnummer
from tests.cases.test_intake import intake_post
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db

PNR = valid_personnummer(date(1984, 3, 9), "447")
URL = reverse("cases:create")


def _registered(**extra: object) -> Person:
    """The woman already in a case, with skyddad folkbokföring."""
    return PersonFactory(
        first_name="Astrid",
        last_name="Skyddad",
        personnummer=PNR,
        personnummer_hmac=personnummer_hmac(PNR),
        protection=Person.Protection.SKYDDAD_FOLKBOKFORING,
        **extra,
    )


def _intake(unit, **protected: str) -> dict[str, object]:
    data = intake_post(unit)
    fields = {
        "first_name": "Astrid",
        "last_name": "Skyddad",
        "personnummer": PNR.replace("-", ""),  # typed differently: the same number
        "date_of_birth": "",
        "protection": Person.Protection.NONE,
        **protected,
    }
    data.update(person_post("skyddsperson", **fields))
    return data


def test_intake_reuses_the_person_and_keeps_the_higher_protection(login, handler, unit_a):
    person = _registered()
    first = make_case(handler, protected=person)
    client = login(handler)
    response = client.post(URL, _intake(unit_a), follow=True)
    new = ProtectionCase.objects.exclude(pk=first.pk).get()
    assert Person.objects.filter(personnummer_hmac=personnummer_hmac(PNR)).count() == 1
    assert new.participants.get(role=Participant.Role.PROTECTED).person == person
    person.refresh_from_db()
    assert person.protection == Person.Protection.SKYDDAD_FOLKBOKFORING
    # A case the handler may open is named and linked.
    detail = reverse("cases:detail", kwargs={"key": first.key})
    assert "var redan registrerat" in response.text
    assert f'href="{detail}">{first.reference}</a>' in response.text


def test_a_later_intake_raises_the_level_never_lowers_it(login, handler, unit_a):
    person = _registered()
    person.protection = Person.Protection.SEKRETESSMARKERING
    person.save()
    make_case(handler, protected=person)
    login(handler).post(URL, _intake(unit_a, protection=Person.Protection.FINGERADE))
    person.refresh_from_db()
    assert person.protection == Person.Protection.FINGERADE
    login(handler).post(URL, _intake(unit_a, protection=Person.Protection.NONE))
    person.refresh_from_db()
    assert person.protection == Person.Protection.FINGERADE


def test_without_access_to_the_other_case_only_already_registered(
    login, handler, other_police, unit_a, unit_b
):
    from tests.conftest import _member

    person = _registered()
    first = make_case(handler, protected=person)
    threat_actor = first.participants.get(role=Participant.Role.THREAT_ACTOR).person
    client = login(other_police)
    posted = client.post(URL, _intake(unit_b))
    assert posted.status_code == 302
    page = client.get(posted["Location"])
    new = ProtectionCase.objects.get(unit=unit_b)
    assert new.participants.get(role=Participant.Role.PROTECTED).person == person
    assert "var redan registrerat" in page.text
    secrets = [first.reference, unit_a.name, threat_actor.full_name, str(first.key), "Hanna"]
    for response in (posted, page):
        headers = " ".join(f"{k}: {v}" for k, v in response.items())
        for secret in secrets:
            assert secret not in response.content.decode(), secret
            assert secret not in headers, secret
    # The log shown to them (the case journal, as every police reader of the new case sees
    # it): that a match happened, nothing about where.
    texts = [entry.text for entry in new.journal.all()]
    assert any("finns också i ett ärende" in text for text in texts)
    assert not any(secret in text for text in texts for secret in secrets)
    # The head of the registering unit sees it on the case page.
    head_b = _member(unit_b, "head", "headb@polis.test", "Bodil Chef")
    head_page = login(head_b).get(reverse("cases:detail", kwargs={"key": new.key}))
    assert "finns också i ett ärende som registreraren inte har åtkomst till" in head_page.text
    assert first.reference not in head_page.text


def test_adding_a_participant_with_a_registered_number_uses_the_record(login, handler):
    person = _registered()
    make_case(handler, protected=person)
    case = make_case(handler)
    response = login(handler).post(
        reverse("cases:participant_add", kwargs={"key": case.key}),
        {
            "role": "relative",
            "existing": "",
            **person_post("person", personnummer=PNR, date_of_birth=""),
        },
    )
    assert response.status_code == 302
    assert case.participants.get(role=Participant.Role.RELATIVE).person == person
    assert Person.objects.filter(personnummer_hmac=personnummer_hmac(PNR)).count() == 1


def test_the_same_number_twice_in_one_intake_is_refused(login, handler, unit_a):
    data = _intake(unit_a)
    data.update(person_post("hotutovare", first_name="Hot", personnummer=PNR, date_of_birth=""))
    response = login(handler).post(URL, data)
    assert response.status_code == 200
    assert "både skyddsperson och hotutövare" in response.text
    assert not ProtectionCase.objects.exists()


def test_editing_a_person_to_a_registered_number_is_refused(handler):
    _registered()
    case = make_case(handler)
    person = case.participants.get(role=Participant.Role.THREAT_ACTOR).person
    data = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    data["personnummer"] = PNR
    with pytest.raises(errors.Invalid, match="redan registrerat på en annan person"):
        services.update_person(
            handler, case, person, version=person.version, contact_version=1, data=data
        )


def _drop_constraint() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX one_person_per_personnummer")


def _duplicates(handler) -> tuple[Person, Person, ProtectionCase]:
    """Two records of one number (as before the rule), the newer one protected, both in a
    case together with a kontaktförbud pointing at the newer one's participant."""
    _drop_constraint()
    old = PersonFactory(personnummer=PNR, personnummer_hmac=personnummer_hmac(PNR))
    case = make_case(handler, protected=old)
    twin = _registered()
    # The newer record's row in the case has the phone, the older one's row none.
    Participant.objects.filter(case=case, person=old).update(person=twin, phone="070-999")
    Participant.objects.create(case=case, person=old, role=Participant.Role.PROTECTED)
    other = make_case(handler, protected=twin)
    ban = ContactBan.objects.create(
        case=case,
        ban_type=ContactBan.BanType.ORDINARY,
        protected_participant=case.participants.get(person=twin),
        restricted_participant=case.participants.get(role=Participant.Role.THREAT_ACTOR),
    )
    assert ban.pk
    return old, twin, other


def test_the_duplicate_merge_is_idempotent_and_reports_references_only(handler, capsys):
    old, twin, other = _duplicates(handler)
    case = ProtectionCase.objects.exclude(pk=other.pk).get()
    report = services.merge_duplicates()
    assert (report.groups, report.removed) == (1, 1)
    assert not Person.objects.filter(pk=twin.pk).exists()
    old.refresh_from_db()
    assert old.protection == Person.Protection.SKYDDAD_FOLKBOKFORING
    # The two rows of one role in one case became one, its blank phone filled from the other.
    assert case.participants.get(person=old, role=Participant.Role.PROTECTED).phone == "070-999"
    assert ContactBan.objects.get().protected_participant.person == old
    assert other.participants.get(role=Participant.Role.PROTECTED).person == old
    assert Participant.objects.filter(person=old, role=Participant.Role.PROTECTED).count() == 2
    call_command("merge_duplicate_persons")
    out = capsys.readouterr().out
    assert out.strip() == "Inga dubbletter."
    again = services.merge_duplicates()
    assert (again.groups, again.removed) == (0, 0)
    assert all("Astrid" not in line and PNR not in line for line in report.lines())
    assert other.reference in "\n".join(report.lines())


# --- protection follows the family (item 2) --------------------------------------------------


def _protected_case(handler) -> ProtectionCase:
    return make_case(handler, protected=_registered())


def test_a_child_is_proposed_the_protected_persons_level(login, handler):
    case = _protected_case(handler)
    url = reverse("cases:participant_add", kwargs={"key": case.key})
    page = login(handler).get(url + "?roll=child")
    assert '<option value="skyddad_folkbokforing" selected>' in page.text
    assert 'data-proposed-protection="skyddad_folkbokforing"' in page.text
    assert services.proposed_protection(case, "child") == "skyddad_folkbokforing"
    assert services.proposed_protection(case, "threat_actor") == "none"


def test_changing_the_proposed_level_is_in_the_history(login, handler):
    case = _protected_case(handler)
    url = reverse("cases:participant_add", kwargs={"key": case.key})
    login(handler).post(
        url, {"role": "child", "existing": "", **person_post("person", protection="none")}
    )
    entry = JournalEntry.objects.get(case=case, event="protection_proposal_changed")
    assert entry.params == {
        "role": "child",
        "proposed": "skyddad_folkbokforing",
        "chosen": "none",
    }
    assert "Föreslagen skyddsnivå" in entry.text
    login(handler).post(
        url,
        {
            "role": "relative",
            "existing": "",
            **person_post("person", first_name="Bo", protection="skyddad_folkbokforing"),
        },
    )
    assert JournalEntry.objects.filter(event="protection_proposal_changed").count() == 1
