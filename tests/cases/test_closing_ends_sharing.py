"""Closing lists what is still running, ends the sharing, tells the recipient's head, and
leaves a read-only case with one note to add (issue 11, item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import errors
from cases.casework import services
from cases.models import CaseClosure, ContactBan, Disclosure, JournalEntry, Participant
from notifications import sweep
from notifications.models import Notification
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db


def _url(name: str, case) -> str:
    return reverse(name, kwargs={"key": case.key})


@pytest.fixture
def shared(handler, koping, social):
    case = make_case(handler)
    make_disclosure(
        case, koping, handlers=[social], valid_until=timezone.localdate() + timedelta(30)
    )
    return case


def _ban(case) -> ContactBan:
    roles = {p.role: p for p in case.participants.all()}
    return ContactBan.objects.create(
        case=case,
        ban_type=ContactBan.BanType.ORDINARY,
        status=ContactBan.Status.GRANTED,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=90),
        protected_participant=roles[Participant.Role.PROTECTED],
        restricted_participant=roles[Participant.Role.THREAT_ACTOR],
    )


def test_the_closing_page_lists_disclosures_and_bans_in_force(login, handler, shared) -> None:
    ban = _ban(shared)
    page = login(handler).get(_url("cases:case_close", shared)).text
    assert "Det här pågår fortfarande" in page
    assert "Utlämnandet till Socialtjänsten Köping" in page
    assert f"Kontaktförbud gäller till {ban.valid_until.isoformat()}" in page


def test_closing_ends_the_disclosure_and_social_services_get_404(
    login, handler, social, shared
) -> None:
    social_client = login(social)
    assert social_client.get(_url("cases:detail", shared)).status_code == 200
    response = login(handler).post(
        _url("cases:case_close", shared),
        {"reason": "threat_gone", "final_note": "Klart", "confirmed": "1"},
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get(case=shared)
    assert disclosure.withdrawn_at is not None and disclosure.ended_by_closing
    assert disclosure.withdrawn_by == handler
    assert social_client.get(_url("cases:detail", shared)).status_code == 404
    entry = JournalEntry.objects.get(case=shared, event="disclosure_ended_on_close")
    assert entry.visibility == JournalEntry.Visibility.POLICE_INTERNAL
    assert "Socialtjänsten Köping" in entry.text


def test_the_recipients_head_is_told_once_without_personal_data(
    handler, social_head, shared, settings
) -> None:
    row = shared.participants.get(role=Participant.Role.PROTECTED)
    person = row.person
    services.close_case(handler, shared, reason="threat_gone", final_note="Hemlig anteckning")
    sweep.sweep(timezone.now())
    sweep.sweep(timezone.now())
    items = Notification.objects.filter(rule="shared_case_closed")
    assert set(items.values_list("recipient_id", flat=True)) == {social_head.pk}
    notices = items.filter(message__kind="notice")
    assert notices.count() == 1  # a second sweep sends no second notice
    sent = [m for m in mail.outbox if social_head.email in m.to]
    assert sent
    text = "".join(m.message().as_bytes().decode("utf-8", "replace") for m in sent)
    assert shared.reference in text and "Ett delat ärende har avslutats" in text
    for secret in (person.first_name, person.last_name, row.street_address, "Hemlig"):
        assert secret not in text
    # The handler who closed it is not told about their own act; other recipients are not.
    assert not any(handler.email in m.to for m in sent)


def test_after_closing_edit_actions_are_hidden_and_history_readable(login, handler, shared) -> None:
    services.close_case(handler, shared, reason="threat_gone", final_note="Klart")
    client = login(handler)
    page = client.get(_url("cases:detail", shared)).text
    for name in ("cases:edit", "cases:participant_add", "cases:journal_add"):
        assert f'href="{_url(name, shared)}"' not in page, name
    assert "Ändra uppgifter" not in page
    assert f'href="{_url("cases:history", shared)}"' in page
    assert client.get(_url("cases:history", shared)).status_code == 200
    for name in ("cases:casework", "cases:plan", "cases:access_log", "riskassessment:list"):
        assert client.get(_url(name, shared)).status_code == 200, name
    # Edit pages still refuse, with the message.
    refused = client.get(_url("cases:edit", shared))
    assert refused.status_code == 302


def test_one_note_can_be_added_after_closing(login, handler, head, shared) -> None:
    with pytest.raises(errors.Invalid):
        services.add_closing_note(handler, shared, text="För tidigt")
    services.close_case(handler, shared, reason="threat_gone", final_note="Klart")
    client = login(handler)
    page = client.get(_url("cases:detail", shared)).text
    assert f'href="{_url("cases:closing_note_add", shared)}"' in page
    response = client.post(_url("cases:closing_note_add", shared), {"text": "Flyttade i maj."})
    assert response.status_code == 302
    closure = CaseClosure.objects.get(case=shared)
    assert closure.closing_note == "Flyttade i maj." and closure.closing_note_by == handler
    page = client.get(_url("cases:detail", shared)).text
    assert "Flyttade i maj." in page
    assert f'href="{_url("cases:closing_note_add", shared)}"' not in page
    with pytest.raises(errors.Conflict):
        services.add_closing_note(head, shared, text="En till")
    client.post(_url("cases:closing_note_add", shared), {"text": "En till"})
    closure.refresh_from_db()
    assert closure.closing_note == "Flyttade i maj."
    assert JournalEntry.objects.filter(case=shared, event="closing_note_added").count() == 1
