"""Issue 16: every variant of the case list (each filter, a deep page), "Att göra" and the
start page run the same number of queries at 10 and at 1,000 cases per unit; the count
stops at a limit ("Över 10 000 ärenden") and paging goes on with "Nästa"; the "Ansvarig"
select is written in Python with Django's HTML."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django import forms
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import listing
from cases.formfields import LongSelect
from cases.models import (
    Disclosure,
    FollowUp,
    MeasureKind,
    ProtectionCase,
    ProtectiveMeasure,
)
from tests.cases.helpers import make_responsible

pytestmark = pytest.mark.django_db
LIST, TODO, HOME = reverse("cases:list"), reverse("cases:todo"), reverse("core:overview")


def add_cases(unit, handler, koping, social, start: int, count: int) -> None:
    """``count`` cases by bulk insert, every filter matching some of them: categories and
    status alternate, every 7th restricted, the handler responsible for every 3rd, every
    4th with a kontaktförbud measure, every 5th disclosed to the social-services handler,
    open follow-ups assigned to the handler."""
    cases = ProtectionCase.objects.bulk_create(
        ProtectionCase(
            unit=unit,
            year=2026,
            number=start + i,
            reference=f"SCALE-{start + i}",
            category="stalking" if i % 2 else "other",
            status="open" if i % 3 else "closed",
            restricted=i % 7 == 6,
            opened_on=date(2026, 1, 1) + timedelta(days=i % 300),
        )
        for i in range(count)
    )
    make_responsible(handler, cases[::3])
    ban = MeasureKind.objects.get(code="kontaktforbud")
    ProtectiveMeasure.objects.bulk_create(
        ProtectiveMeasure(case=c, kind=ban, responsible_party="police") for c in cases[::4]
    )
    # Bypassing the service, so its flag too (cases.casework.services.mark_contact_ban).
    ProtectionCase.objects.filter(pk__in=[c.pk for c in cases[::4]]).update(has_contact_ban=True)
    FollowUp.objects.bulk_create(
        FollowUp(
            case=c,
            kind="conversation",
            due_date=date.today() + timedelta(days=1),
            responsible_party="police",
            assignee=handler,
        )
        for c in cases[::3]
    )
    disclosures = Disclosure.objects.bulk_create(
        Disclosure(
            case=c,
            recipient=koping,
            legal_basis=Disclosure.LegalBasis.OSL_10_2,
            valid_from=date.today() - timedelta(days=1),
            scope_persons=True,
            scope_measures=True,
        )
        for c in cases[::5]
    )
    Disclosure.handlers.through.objects.bulk_create(
        Disclosure.handlers.through(disclosure=d, user=social) for d in disclosures
    )


def variants(handler) -> dict[str, tuple[str, str, dict[str, str]]]:
    return {
        "page 1": ("get", LIST, {}),
        "status + category": ("post", LIST, {"status": "open", "category": "stalking"}),
        "deep page": ("get", LIST, {"sida": "15"}),
        "deep page, posted": ("post", LIST, {"status": "open", "sida": "7"}),
        "responsible": ("post", LIST, {"responsible": str(handler.pk)}),
        "kontaktförbud": ("post", LIST, {"reference": "kontaktförbud"}),
        "keyword": ("post", LIST, {"reference": "SCALE-1"}),
        "mine": ("post", LIST, {"mine": "on"}),
        "Att göra": ("get", TODO, {}),
        "start page": ("get", HOME, {}),
    }


def count_queries(clients, handler) -> dict[str, int]:
    counts = {}
    for persona, client in clients.items():
        for name, (method, url, data) in variants(handler).items():
            getattr(client, method)(url, data)  # the session settles on the first request
            with CaptureQueriesContext(connection) as ctx:
                response = getattr(client, method)(url, data)
            assert response.status_code == 200, (persona, name)
            if url == LIST and persona != "social" and (name != "mine" or persona == "handler"):
                assert response.context["cases"], (persona, name)  # the page shows rows
            # A page number past the end costs one round trip more: the page learns the
            # count with its rows and then reads the last page (listing.BoundedPaginator).
            past_end = "sida" in data and response.context["page"].number != int(data["sida"])
            counts[f"{persona}: {name}"] = len(ctx.captured_queries) - past_end
    return counts


def test_every_list_variant_runs_the_same_queries_at_10_and_1000_cases(
    login, handler, colleague, head, social, unit_a, koping
) -> None:
    clients = {
        "head": login(head),
        "handler": login(handler),
        "colleague": login(colleague),
        "social": login(social),
    }
    add_cases(unit_a, handler, koping, social, 1, 10)
    few = count_queries(clients, handler)
    add_cases(unit_a, handler, koping, social, 11, 990)
    many = count_queries(clients, handler)
    assert many == few
    deep = clients["head"].get(LIST, {"sida": "15"})
    assert deep.context["page"].number == 15 and len(deep.context["cases"]) == 50
    with CaptureQueriesContext(connection) as first:
        clients["head"].get(LIST)
    with CaptureQueriesContext(connection) as past:
        response = clients["head"].get(LIST, {"sida": "999"})
    last = response.context["page"]
    assert last.number == last.paginator.num_pages == 20 and len(last) == 50 and not last.more
    assert len(past) == len(first) + 1


def test_the_count_stops_at_the_limit_and_paging_goes_on(
    login, handler, koping, social, unit_a, monkeypatch
) -> None:
    monkeypatch.setattr(listing, "COUNT_LIMIT", 20)
    add_cases(unit_a, handler, koping, social, 1, 60)
    client = login(handler)
    first = client.post(LIST, {"reference": "SCALE-"})
    assert first.context["page"].paginator.capped
    assert "Över 20 ärenden" in first.text and "Sida 1 av" not in first.text
    assert 'name="sida" value="2"' in first.text  # "Nästa", posted: the keyword stays out
    third = client.post(LIST, {"reference": "SCALE-", "sida": "3"})
    assert third.context["page"].number == 3 and not third.context["page"].has_next()
    shown = [c.reference for p in (1, 2, 3) for c in _page(client, p)]
    listed = ProtectionCase.objects.exclude(
        restricted=True, protectioncaseuserobjectpermission=None
    )
    assert len(shown) == len(set(shown)) == listed.count()  # every listed case, once
    monkeypatch.setattr(listing, "COUNT_LIMIT", 10_000)
    assert "Sida 1 av 2" in client.post(LIST, {"reference": "SCALE-"}).text
    assert 'class="pagination"' not in client.post(LIST, {"reference": "SCALE-10"}).text


def _page(client, number: int) -> list[ProtectionCase]:
    return client.post(LIST, {"reference": "SCALE-", "sida": str(number)}).context["cases"]


def test_pages_keep_the_order_of_the_list(login, head, handler, koping, social, unit_a) -> None:
    add_cases(unit_a, handler, koping, social, 1, 120)
    client = login(head)
    shown = [c.pk for p in (1, 2, 3) for c in client.get(LIST, {"sida": p}).context["cases"]]
    expected = ProtectionCase.objects.order_by("-opened_on", "-number").values_list("pk", flat=True)
    assert shown == list(expected)


def test_the_paginator_refuses_what_it_cannot_compose_around() -> None:
    """Its statements are written around the ids' compiled SQL (listing.BoundedPaginator):
    an ids queryset that is distinct, sliced or unordered, or rows with a filter of their
    own, would come out wrong, so they are refused."""
    ids = ProtectionCase.objects.order_by("-opened_on").values_list("pk", flat=True)
    rows = ProtectionCase.objects.only("reference")
    listing.BoundedPaginator(ids, rows, 50)
    for bad_ids, bad_rows in [
        (ids.distinct(), rows),
        (ids[:10], rows),
        (ids.order_by(), rows),
        (ids, rows.filter(status="open")),
    ]:
        with pytest.raises(ValueError):
            listing.BoundedPaginator(bad_ids, bad_rows, 50)


def test_long_select_writes_the_html_django_writes() -> None:
    choices = [("", "Alla"), (1, "Anna <A>"), ("G", [(2, "Bo & co"), (3, "Cia")])]
    for value in (None, "", 2, [3]):
        attrs = {"id": "id_r", "aria-describedby": "id_r_helptext", "disabled": True}
        ours = LongSelect(choices=choices).render("r", value, attrs)
        django = forms.Select(choices=choices).render("r", value, attrs)
        assert parse_html(ours) == parse_html(django)


def test_long_select_marks_what_django_marks_with_repeated_values_and_many_chosen() -> None:
    """Only the first option of a chosen value is selected in a single select; every one of
    every chosen value in a multiple select (formfields._options' offsets)."""

    class LongMultiple(LongSelect):
        allow_multiple_selected = True

    choices = [(1, "A"), ("G", [(2, "B"), (1, "A igen")]), (3, "C"), (2, "B igen")]
    for value in (None, 1, 2, 3, 4, [2, 1], [3, 2, 1], [5]):
        single = LongSelect(choices=choices).render("r", value)
        assert parse_html(single) == parse_html(forms.Select(choices=choices).render("r", value))
        many = LongMultiple(choices=choices).render("r", value)
        theirs = forms.SelectMultiple(choices=choices).render("r", value)
        assert parse_html(many) == parse_html(theirs)


def test_long_select_keeps_options_by_their_text_a_renamed_handler_or_language_is_new() -> None:
    """The options' HTML is kept per list of choices as text (formfields._options): the same
    list again is the same HTML, a renamed handler or another language is not the old one."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    def html(choices: list, value: object = None) -> str:
        return LongSelect(choices=choices).render("r", value)

    assert "selected>Anna</option>" in html([(1, "Anna"), (2, "Bo")], 1)
    assert "Anne" in html([(1, "Anne"), (2, "Bo")], 1) and "Anna" not in html([(1, "Anne")])
    assert html([(2, "Bo")], 2).count(" selected") == 1 and " selected" not in html([(2, "Bo")])
    lazy = [("open", gettext_lazy("Öppet"))]
    with translation.override("sv"):
        assert ">Öppet<" in html(lazy)
    with translation.override("en"):
        assert ">Open<" in html(lazy)
    with translation.override("sv"):
        assert ">Öppet<" in html(lazy)


@pytest.mark.django_db
def test_long_select_reads_a_querysets_choices_once(handler, head) -> None:
    """A ModelChoiceField's choices are read as they are iterated: one query, no count first
    (list() would ask the iterator's len())."""
    from accounts.models import User

    field = forms.ModelChoiceField(User.objects.order_by("pk"), widget=LongSelect)
    with CaptureQueriesContext(connection) as queries:
        html = field.widget.render("r", handler.pk)
    assert len(queries) == 1
    assert f'<option value="{handler.pk}" selected>' in html and str(head.pk) in html


def test_the_handlers_as_flat_choices_select_validate_and_render_as_a_list_does() -> None:
    from cases.forms import CaseFilterForm

    handlers = [(7, "Anna <A>"), (9, "Bo & co")]
    for data in ({"responsible": "9"}, {"responsible": "8"}, {"responsible": ""}, {}):
        ours = CaseFilterForm(data, handlers=handlers)
        plain = CaseFilterForm(data, handlers=handlers)
        field = plain.fields["responsible"]
        field.choices = [("", "Alla"), *handlers]  # Django's normalised list
        assert ours.is_valid() == plain.is_valid(), data
        assert ours.errors == plain.errors, data
        assert parse_html(str(ours["responsible"])) == parse_html(str(plain["responsible"]))
    chosen = CaseFilterForm({"responsible": "9"}, handlers=handlers)
    assert chosen.is_valid() and chosen.cleaned_data["responsible"] == 9
    assert "responsible" in CaseFilterForm({"responsible": "8"}, handlers=handlers).errors


def test_quick_inputs_write_the_html_django_writes() -> None:
    from cases.formfields import CheckboxWidget, TextWidget

    attrs = {"id": "id_q", "maxlength": 40, "required": True, "aria-invalid": "true"}
    for value in (None, "", "PSS-U-2026-00042", "a\"<b>&'c"):
        ours = TextWidget(attrs={"autocomplete": "off"}).render("q", value, attrs)
        django = forms.TextInput(attrs={"autocomplete": "off"}).render("q", value, attrs)
        assert ours == django
    for checked in (None, False, True, "on"):
        ours = CheckboxWidget().render("mine", checked, {"id": "id_mine", "disabled": False})
        django = forms.CheckboxInput().render("mine", checked, {"id": "id_mine", "disabled": False})
        assert ours == django
    assert 'value="a&quot;&lt;b&gt;&amp;&#x27;c"' in TextWidget().render("q", "a\"<b>&'c")
    assert " checked" in CheckboxWidget().render("mine", True)
