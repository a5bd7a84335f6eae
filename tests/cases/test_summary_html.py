"""The HTML of a case row's summary cells and of the case list's rows (cases/templatetags/
summary_tags, issue 16): every state of each cell, exactly as the templates wrote it before
the rows were written in Python, and every value escaped."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from uuid import UUID

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from cases.listing import CaseSummary, RiskLevel
from cases.templatetags.summary_tags import (
    flags_html,
    next_follow_up_html,
    protection_html,
    risk_levels_html,
    summary_cells_html,
)

HIGH = RiskLevel(label="Hotutövare 1", level="high", display="Hög")
LOW = RiskLevel(label="Hotutövare 2", level="low", display="Låg")


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.mark.parametrize(
    ("levels", "html"),
    [
        (None, "–"),
        ([], '<span class="muted">Ej bedömd</span>'),
        (
            [HIGH, LOW],
            '<span class="risk-level"><span class="badge badge--high">Hög</span> '
            '<span class="risk-level__label">Hotutövare 1</span></span> '
            '<span class="risk-level"><span class="badge badge--low">Låg</span> '
            '<span class="risk-level__label">Hotutövare 2</span></span>',
        ),
    ],
)
def test_risk_levels(levels, html) -> None:
    assert risk_levels_html(levels) == html


@pytest.mark.parametrize(
    ("summary", "html"),
    [
        (CaseSummary(), "–"),  # not shown to this reader
        (
            CaseSummary(protection="none", protection_display="Inget skydd"),
            '<span class="muted">Inga</span>',
        ),
        (
            CaseSummary(protection="fingerade", protection_display="Fingerade personuppgifter"),
            '<span class="badge badge--protected">Fingerade personuppgifter</span>',
        ),
    ],
)
def test_protection(summary, html) -> None:
    assert protection_html(summary) == html


@pytest.mark.parametrize(
    ("summary", "html"),
    [
        (CaseSummary(), "–"),  # not shown to this reader
        (CaseSummary(shows_follow_up=True), "–"),  # a closed case without one
        (
            CaseSummary(shows_follow_up=True, missing_follow_up=True),
            '<strong class="overdue">Saknas</strong>',
        ),
        (
            CaseSummary(shows_follow_up=True, next_follow_up=date(2026, 3, 1)),
            '<span class="">2026-03-01</span>',
        ),
        (
            CaseSummary(shows_follow_up=True, next_follow_up=date(2026, 3, 1), overdue=True),
            '<span class="overdue">2026-03-01 <strong>Försenad</strong></span>',
        ),
    ],
)
def test_next_follow_up(summary, html) -> None:
    assert next_follow_up_html(summary) == html


def test_flags_and_escaping() -> None:
    assert flags_html(CaseSummary()) == "–"
    two = CaseSummary(flags=["Larm utlånat", "<b>&</b>"])
    assert flags_html(two) == (
        '<span class="badge badge--flag">Larm utlånat</span> '
        '<span class="badge badge--flag">&lt;b&gt;&amp;&lt;/b&gt;</span>'
    )
    risky = RiskLevel(label="<i>", level='"x', display="&")
    assert "<i>" not in risk_levels_html([risky]) and "&amp;" in risk_levels_html([risky])


def test_the_cells_are_the_four_columns() -> None:
    s = CaseSummary(risk_levels=[HIGH], flags=["Larm utlånat"])
    assert parse_html(summary_cells_html(s)) == parse_html(
        '<td class="col-risk"><span class="risk-level"><span class="badge badge--high">Hög'
        '</span> <span class="risk-level__label">Hotutövare 1</span></span></td>'
        '<td class="col-protection">–</td><td class="col-next-follow-up nowrap">–</td>'
        '<td class="col-flags"><span class="badge badge--flag">Larm utlånat</span></td>'
    )


def _case(**extra):
    summary = CaseSummary(category_display="Stalkning/förföljelse", status_display="Öppet")
    values = {
        "key": UUID(int=7),
        "reference": "PSS-U-2026-00042",
        "restricted": False,
        "opened_on": date(2026, 2, 3),
        "responsible_names": ["Anna A", "Bo B"],
        "summary": summary,
    }
    return SimpleNamespace(**{**values, **extra})


def _rows(cases, may_open_cases=True) -> str:
    template = Template("{% load summary_tags %}{% case_rows cases may_open_cases %}")
    return template.render(Context({"cases": cases, "may_open_cases": may_open_cases}))


def test_a_case_row() -> None:
    assert parse_html(_rows([_case()])) == parse_html(
        '<tr><td class="nowrap"><a href="/arenden/00000000-0000-0000-0000-000000000007/">'
        "PSS-U-2026-00042</a></td>"
        '<td class="col-risk">–</td><td class="col-protection">–</td>'
        '<td class="col-next-follow-up nowrap">–</td><td class="col-flags">–</td>'
        "<td>Stalkning/förföljelse</td><td>Öppet</td><td>Anna A, Bo B</td>"
        '<td class="nowrap">2026-02-03</td></tr>'
    )


def test_restricted_is_said_to_police_only_and_no_handler_is_a_dash() -> None:
    restricted = _case(restricted=True, responsible_names=[])
    badge = '<span class="badge badge--high">Särskilt</span>'
    assert badge in _rows([restricted]) and "<td>–</td>" in _rows([restricted])
    assert badge not in _rows([restricted], may_open_cases=False)


def test_no_cases_says_so() -> None:
    assert _rows([]) == '<tr><td colspan="9">Inga ärenden.</td></tr>'


def test_english() -> None:
    with translation.override("en"):
        html = risk_levels_html([]) + next_follow_up_html(
            CaseSummary(shows_follow_up=True, missing_follow_up=True)
        )
    assert "Ej bedömd" not in html and "Saknas" not in html
