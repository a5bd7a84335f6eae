"""Issue 10, item 5: removing a participant shows what goes with it, is blocked while a
kontaktförbud or another record (an alarm loan) still names them, and never deletes a
dwelling the remover cannot see."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.models import (
    ContactBan,
    Participant,
    Person,
    SecretDwelling,
    SupportInformation,
    SupportOrganisation,
)
from tests.alarms.helpers import device, lend
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db


def _url(case, participant) -> str:
    return reverse(
        "cases:participant_remove", kwargs={"key": case.key, "participant_id": participant.pk}
    )


def test_the_confirmation_lists_what_goes_with_the_participant(login, handler) -> None:
    case = make_case(handler)
    actor = case.participants.get(role="threat_actor")
    SecretDwelling.objects.create(
        case=case, person=actor.person, description="Jourlägenheten", address="y"
    )
    SupportInformation.objects.create(
        case=case,
        participant=actor,
        organisation=SupportOrganisation.objects.create(name="Stödlinjen", kind="other"),
        is_referral=True,
        informed_on=date.today(),
    )
    page = login(handler).get(_url(case, actor)).content.decode()
    assert "Detta tas också bort" in page
    assert "1 registrering av information om stöd eller hänvisning." in page
    assert "Hemligt boende: Jourlägenheten." in page
    assert "Personuppgifterna tas bort helt" in page
    assert "Ta bort deltagaren" in page


def test_a_kontaktforbud_blocks_the_removal_in_swedish(login, handler) -> None:
    case = make_case(handler)
    protected = case.participants.get(role="protected")
    actor = case.participants.get(role="threat_actor")
    ContactBan.objects.create(
        case=case,
        ban_type=ContactBan.BanType.ORDINARY,
        status=ContactBan.Status.GRANTED,
        protected_participant=protected,
        restricted_participant=actor,
    )
    client = login(handler)
    page = client.get(_url(case, actor)).content.decode()
    assert "Personen är part i ett kontaktförbud (kontaktförbud, beviljat)" in page
    assert "Ta bort deltagaren</button>" not in page
    response = client.post(_url(case, actor))
    assert response.status_code == 200
    assert "kontaktförbud" in response.content.decode()
    assert Participant.objects.filter(pk=actor.pk).exists()


def test_an_alarm_loan_naming_the_carrier_blocks_the_removal(login, handler) -> None:
    case = make_case(handler)
    carrier = case.participants.get(role="protected")
    lend(handler, case, device(handler))  # carried by the protected person
    second = Participant.objects.create(case=case, person=PersonFactory(), role="protected")
    assert second.pk != carrier.pk
    response = login(handler).post(_url(case, carrier))
    assert response.status_code == 200
    assert "Personen är bärare av larmet" in response.content.decode()
    assert Participant.objects.filter(pk=carrier.pk).exists()
    # The other protected person carries nothing and goes.
    response = login(handler).post(_url(case, second))
    assert response.status_code == 302


def test_a_police_only_dwelling_is_never_removed_by_someone_who_cannot_see_it(
    login, handler, head
) -> None:
    case = make_case(handler)
    second = Participant.objects.create(case=case, person=PersonFactory(), role="protected")
    hidden = SecretDwelling.objects.create(
        case=case,
        person=second.person,
        description="SNTLHIDDENDWELLING",
        address="Hemliga gatan 2",
        police_only=True,
    )
    client = login(head)  # the head edits the case but does not know the dwelling
    page = client.get(_url(case, second)).content.decode()
    assert "bara tilldelad polispersonal" in page and "SNTLHIDDENDWELLING" not in page
    assert client.post(_url(case, second)).status_code == 200
    assert SecretDwelling.objects.filter(pk=hidden.pk).exists()
    assert Participant.objects.filter(pk=second.pk).exists()
    # The assigned handler knows it, sees it listed, and may remove the participant.
    handler_client = login(handler)
    assert "Hemligt boende: SNTLHIDDENDWELLING." in handler_client.get(_url(case, second)).text
    assert handler_client.post(_url(case, second)).status_code == 302
    assert not SecretDwelling.objects.filter(pk=hidden.pk).exists()
    assert not Person.objects.filter(pk=second.person_id).exists()
