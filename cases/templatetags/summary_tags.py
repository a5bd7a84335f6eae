"""The cells of a case row (cases.listing.CaseSummary) and the case list's rows, written in
Python: ``{% summary_cells s %}``, ``{% case_rows cases may_open_cases %}`` and the single
parts for the case header and "Att göra".

They were nested includes (a row included the cells, the cells four partials): about 300
includes and 50 ``{% url %}`` per page, the biggest part of a list page's time on 200,000
cases (issue 16, profiled). The HTML is the one the templates wrote (tests/cases/
test_summary_html.py holds every state). Every value from the database or a translation
goes through ``escape``; only the fixed markup around it is marked safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape as html_escape
from typing import Any, NamedTuple
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cases.listing import CaseSummary, RiskLevel

register = template.Library()
DASH = "–"


def escape(value: Any) -> str:
    """Django's ``escape`` without its wrapper for lazy strings (the same text): a list page
    calls it about 500 times."""
    return html_escape(str(value))


class Words(NamedTuple):
    """The cells' fixed words, translated and escaped once per list instead of per row."""

    not_assessed: str
    none: str
    overdue: str
    missing: str


def words() -> Words:
    return Words(
        escape(gettext("Ej bedömd")),
        escape(gettext("Inga")),
        escape(gettext("Försenad")),
        escape(gettext("Saknas")),
    )


def risk_levels_html(levels: Sequence[RiskLevel] | None, w: Words | None = None) -> str:
    """``levels`` None: not shown to this reader; empty: not assessed."""
    if levels is None:
        return DASH
    if not levels:
        return f'<span class="muted">{(w or words()).not_assessed}</span>'
    return " ".join(
        f'<span class="risk-level"><span class="badge badge--{escape(r.level)}">'
        f'{escape(r.display)}</span> <span class="risk-level__label">{escape(r.label)}'
        "</span></span>"
        for r in levels
    )


def protection_html(s: CaseSummary, w: Words | None = None) -> str:
    if s.has_protection:
        return f'<span class="badge badge--protected">{escape(s.protection_display)}</span>'
    if s.protection_display:
        return f'<span class="muted">{(w or words()).none}</span>'
    return DASH


def next_follow_up_html(s: CaseSummary, w: Words | None = None) -> str:
    if not s.shows_follow_up:
        return DASH
    if s.next_follow_up:
        late = f" <strong>{(w or words()).overdue}</strong>" if s.overdue else ""
        css = "overdue" if s.overdue else ""
        return f'<span class="{css}">{s.next_follow_up.isoformat()}{late}</span>'
    if s.missing_follow_up:
        return f'<strong class="overdue">{(w or words()).missing}</strong>'
    return DASH


def flags_html(s: CaseSummary) -> str:
    if not s.flags:
        return DASH
    return " ".join(f'<span class="badge badge--flag">{escape(flag)}</span>' for flag in s.flags)


def summary_cells_html(s: CaseSummary, w: Words | None = None) -> str:
    w = w or words()
    return (
        f'<td class="col-risk">{risk_levels_html(s.risk_levels, w)}</td>\n'
        f'<td class="col-protection">{protection_html(s, w)}</td>\n'
        f'<td class="col-next-follow-up nowrap">{next_follow_up_html(s, w)}</td>\n'
        f'<td class="col-flags">{flags_html(s)}</td>'
    )


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 - every value inside went through escape()


@register.simple_tag
def summary_cells(s: CaseSummary) -> SafeString:
    """The four summary cells of a row: risk, protection, next follow-up, flags."""
    return _safe(summary_cells_html(s))


@register.simple_tag
def risk_levels(levels: Sequence[RiskLevel] | None) -> SafeString:
    return _safe(risk_levels_html(levels))


@register.simple_tag
def protection(s: CaseSummary) -> SafeString:
    return _safe(protection_html(s))


@register.simple_tag
def next_follow_up(s: CaseSummary) -> SafeString:
    return _safe(next_follow_up_html(s))


@register.simple_tag
def flags(s: CaseSummary) -> SafeString:
    return _safe(flags_html(s))


def case_url_maker() -> Any:
    """``key → the case page's URL`` with one ``reverse`` for the whole page."""
    blank = UUID(int=0)
    before, after = reverse("cases:detail", args=[blank]).split(str(blank))
    return lambda key: f"{before}{key}{after}"


@register.simple_tag
def case_rows(cases: Iterable[Any], may_open_cases: bool) -> SafeString:
    """The rows of a case list (cases.listing.summarise, ``case.responsible_names``):
    reference, what matters, category, status, responsible, opened – never a name of a
    person in the case. ``may_open_cases``: a police reader, who is told which cases are
    restricted ("Särskilt")."""
    url, w = case_url_maker(), words()
    special = escape(gettext("Särskilt"))
    restricted = f' <span class="badge badge--high">{special}</span>'
    rows = []
    for case in cases:
        s: CaseSummary = case.summary
        names = ", ".join(escape(name) for name in case.responsible_names) or DASH
        rows.append(
            "<tr>\n"
            f'  <td class="nowrap"><a href="{url(case.key)}">{escape(case.reference)}</a>'
            f"{restricted if case.restricted and may_open_cases else ''}</td>\n"
            f"  {summary_cells_html(s, w)}\n"
            f"  <td>{escape(s.category_display)}</td>\n"
            f"  <td>{escape(s.status_display)}</td>\n"
            f"  <td>{names}</td>\n"
            f'  <td class="nowrap">{case.opened_on.isoformat()}</td>\n'
            "</tr>"
        )
    if not rows:
        nothing = escape(gettext("Inga ärenden."))
        rows.append(f'<tr><td colspan="9">{nothing}</td></tr>')
    return _safe("\n".join(rows))
