"""The case page's journal in pages of 50, newest first (issue 16: a case followed for years
renders hundreds of entries): every entry on exactly one page, in order; the reader's
filter (social services: shared entries only) on every page; any page number answers; the
page's queries do not grow with the journal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import JournalEntry
from cases.views.detail import JOURNAL_PAGE_SIZE
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db

ENTRIES = 2 * JOURNAL_PAGE_SIZE + 20  # three pages: 50, 50, 20
TEXT = re.compile(r'<div class="journal__text">(JOURNALPOST-\d{3}-(?:delad|intern))</div>')


def _fill(case, count: int) -> list[str]:
    """``count`` notes, one a day back from today, every other one shared; their texts
    newest first."""
    today = timezone.localdate()
    entries = [
        JournalEntry(
            case=case,
            # Named author and organisation: the page shows both, read with the entries.
            author=case.created_by,
            author_organisation=case.unit,
            occurred_on=today - timedelta(days=n),
            visibility="shared" if n % 2 == 0 else "police",
            text=f"JOURNALPOST-{n:03}-{'delad' if n % 2 == 0 else 'intern'}",
        )
        for n in range(count)
    ]
    JournalEntry.objects.bulk_create(entries)
    return [entry.text for entry in entries]


@pytest.fixture
def case(handler, koping, social):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    return case


def _page(client, case, number: object = None) -> str:
    url = reverse("cases:detail", kwargs={"key": case.key})
    response = client.get(url, {} if number is None else {"journal": number})
    assert response.status_code == 200
    return response.content.decode()


def _texts(html: str) -> list[str]:
    return TEXT.findall(html)


def test_police_read_every_entry_once_newest_first(login, handler, case) -> None:
    everything = _fill(case, ENTRIES)
    client = login(handler)
    pages = [_page(client, case, n) for n in (1, 2, 3)]
    # 121 entries: the 120 and the case's opening, written by make_case (today, newest).
    assert [html.count('<li class="journal__entry">') for html in pages] == [50, 50, 21]
    shown = [_texts(html) for html in pages]
    assert shown[0] + shown[1] + shown[2] == everything
    assert _texts(_page(client, case)) == shown[0]  # no number: the first page
    first, middle, last = pages
    assert 'href="?journal=2#journal-heading"' in first and "Nyare anteckningar" not in first
    assert "Anteckning 1–50, de senaste först" in first and "Du ser äldre" not in first
    assert "Du ser äldre anteckningar: 51–100, räknat från den senaste." in middle
    assert 'href="?journal=1#journal-heading"' in middle
    assert 'href="?journal=3#journal-heading"' in middle
    assert "Anteckning 101–121" in last and "Äldre anteckningar" not in last
    assert '<ol class="journal" start="101">' in last


def test_a_short_journal_has_no_pages(login, handler, case) -> None:
    _fill(case, 3)
    html = _page(login(handler), case)
    assert len(_texts(html)) == 3 and html.count('<li class="journal__entry">') == 4
    assert "Journalens sidor" not in html and "Äldre anteckningar" not in html


def test_social_services_read_only_shared_entries_on_every_page(login, social, case) -> None:
    shared = [text for text in _fill(case, ENTRIES) if text.endswith("delad")]
    client = login(social)
    first, second = _page(client, case, 1), _page(client, case, 2)
    assert _texts(first) + _texts(second) == shared
    assert "Äldre anteckningar" in first and "Äldre anteckningar" not in second
    for html in (first, second, _page(client, case, 3)):
        assert "intern" not in " ".join(_texts(html)) and "-intern<" not in html


@pytest.mark.parametrize("number", ["abc", "0", "-3", "", "1.5"])
def test_a_number_that_is_not_a_page_gives_the_first(login, handler, case, number) -> None:
    everything = _fill(case, ENTRIES)
    assert _texts(_page(login(handler), case, number)) == everything[: JOURNAL_PAGE_SIZE - 1]


def test_a_page_past_the_end_says_so_and_links_back(login, handler, case) -> None:
    _fill(case, 5)
    for number in (3, 10**30):
        html = _page(login(handler), case, number)
        assert _texts(html) == []
        assert "Inga fler anteckningar." in html
        assert 'href="?journal=1#journal-heading"' in html


def test_the_page_queries_do_not_grow_with_the_journal(login, handler, case) -> None:
    client = login(handler)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(client, case)
        return len(captured)

    _page(client, case)  # the session's first request also writes its idle stamp
    _fill(case, 2)
    few = queries()
    _fill(case, ENTRIES)
    assert queries() == few
