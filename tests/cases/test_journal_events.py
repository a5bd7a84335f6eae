"""The journal is a record of structured events, rendered in the READER's language (issue 9):
a handler using English writes the same permanent record as one using Swedish."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from cases import extensions, journal
from cases.models import JournalEntry, MeasureKind
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies["skydd_lang"] = "en"
    return client


def test_an_entry_written_in_english_reads_swedish_to_a_swedish_reader(login, handler, head):
    case = make_case(handler)
    kind = MeasureKind.objects.get(code="skyddslarm")
    writer = _english(login(handler))
    response = writer.post(
        reverse("cases:measure_add", kwargs={"key": case.key}),
        {"kind": kind.pk, "status": "planned"},
    )
    assert response.status_code == 302

    entry = JournalEntry.objects.get(case=case, event="measure_added")
    # What is stored: codes and names from the catalogue, not a sentence in English.
    assert entry.params == {"kind": kind.name, "party": "police", "status": "planned"}
    assert entry.text.startswith("Skyddsåtgärd tillagd: ")

    swedish = login(head).get(reverse("cases:detail", kwargs={"key": case.key}))
    assert "Skyddsåtgärd tillagd: " in swedish.content.decode()
    assert "Protective measure added" not in swedish.content.decode()

    english = _english(login(head)).get(reverse("cases:detail", kwargs={"key": case.key}))
    assert "Protective measure added: " in english.content.decode()
    assert "Skyddsåtgärd tillagd" not in english.content.decode()


def test_render_follows_the_active_language_and_translates_choice_labels(handler) -> None:
    case = make_case(handler)
    entry = journal.record(
        case, handler, "follow_up_planned", kind="conversation", date="2026-12-24"
    )
    with translation.override("sv"):
        assert (
            journal.render(entry) == "Uppföljning planerad: Uppföljningssamtal senast 2026-12-24."
        )
    with translation.override("en"):
        assert journal.render(entry).startswith("Follow-up planned: ")
        assert "Uppföljningssamtal" not in journal.render(entry)


def test_entries_from_before_events_and_unknown_events_show_their_text(handler) -> None:
    case = make_case(handler)
    old = JournalEntry.objects.create(
        case=case, author=handler, occurred_on=case.opened_on, text="Gammal händelse."
    )
    gone = JournalEntry.objects.create(
        case=case,
        author=handler,
        occurred_on=case.opened_on,
        event="removed_app_event",
        params={"x": 1},
        text="Sparad text.",
    )
    with translation.override("en"):
        assert old.display_text == "Gammal händelse."
        assert gone.display_text == "Sparad text."


def test_recording_an_unknown_event_is_a_programming_error(handler) -> None:
    case = make_case(handler)
    with pytest.raises(KeyError):
        journal.record(case, handler, "no_such_event")
    assert not JournalEntry.objects.filter(case=case, event="no_such_event").exists()


def test_every_event_renders_in_both_languages_with_its_parameters() -> None:
    """Every registered template is well formed: placeholders only, no stray % signs."""
    events = dict(journal.EVENTS)
    for registered in extensions.journal_events:
        events.update(registered)
    assert "assessment_finalised" in events  # registered by riskassessment's ready()
    for code, event in events.items():
        names = re.findall(r"%\((\w+)\)s", event.template)
        params = {name: "x" for name in names}
        for name in names:
            if name in event.labels:
                params[name] = {
                    "changes": {"other": ["kategori"]},
                    "scopes": ["scope_persons"],
                }.get(name, "")
        for language in ("sv", "en"):
            with translation.override(language):
                assert event.render(params), code
