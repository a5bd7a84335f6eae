"""The log pages' table rows, written in Python (issue 16): the access report's summary (a
big unit's month has over a thousand readers), the report's rows and the break-the-glass
list's rows. Their template loops, with a date filter, a translation, a URL and an include
per row, cost more than the queries that fetch the rows. The same HTML as the loops they
replace (tests/cases/test_log_rows_html.py compares them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def summary_rows(summary: list[dict[str, Any]]) -> SafeString:
    """One ``<tr>`` per user: name, reads, cases, break-the-glass and denials (in bold when
    there are any), the numbers localised as ``{{ n }}`` would be."""
    shown: dict[Any, str] = {}

    def number(value: Any) -> str:
        if value not in shown:
            shown[value] = escape(str(localize(value)))
        return shown[value]

    parts = []
    for row in summary:
        denied = row["denied"]
        denied_cell = f'<strong class="overdue">{number(denied)}</strong>' if denied else "0"
        parts.append(
            f'<tr><th scope="row">{escape(row["user__full_name"])}</th>'
            f'<td class="num">{number(row["reads"])}</td>'
            f'<td class="num">{number(row["cases"])}</td>'
            f'<td class="num">{number(row["break_glass"])}</td>'
            f'<td class="num">{denied_cell}</td></tr>'
        )
    # Every name and number above went through html.escape, as Django's escape does.
    return mark_safe("".join(parts))  # noqa: S308


def _minute(value: datetime) -> str:
    """``{{ value|date:"Y-m-d H:i" }}``: in the current time zone, to the minute."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _state(css: str, label: str) -> str:
    return f'<span class="state state--{css}">{escape(label)}</span>'


@register.simple_tag
def report_rows(entries: Iterable[Any], via_labels: Mapping[str, str]) -> SafeString:
    """One ``<tr>`` per access-log row of the report (cases.sharing.logviews.access_report):
    time, person, case (linked to its log while the case exists), organisation, and the
    cells of cases/sharing/_log_cells.html."""
    granted, denied = _state("active", _("Beviljad")), _state("withdrawn", _("Nekad"))
    parts = []
    for entry in entries:
        if entry.case is not None:
            url = reverse("cases:access_log", args=[entry.case.key])
            case = f'<a href="{escape(url)}">{escape(entry.case_reference)}</a>'
        else:
            case = escape(entry.case_reference or "–")
        organisation = entry.organisation.name if entry.organisation is not None else ""
        via = escape(via_labels.get(entry.via, "")) if entry.via else "–"
        parts.append(
            f'<tr><td class="nowrap">{_minute(entry.at)}</td>'
            f"<td>{escape(entry.user.full_name)}</td>"
            f'<td class="nowrap">{case}</td>'
            f"<td>{escape(organisation or '–')}</td>"
            f"<td>{escape(str(entry.get_channel_display()))}</td>"
            f"<td>{escape(entry.what or '–')}</td>"
            f"<td>{granted if entry.granted else denied}</td>"
            f"<td>{via}</td>"
            f"<td>{escape(entry.break_glass_reason or '–')}</td></tr>"
        )
    # Every text above went through html.escape, as Django's escape does.
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag
def break_glass_rows(grants: Iterable[Mapping[str, Any]], now: datetime) -> SafeString:
    """One ``<tr>`` per opening of the head's break-the-glass list (the values of
    cases.sharing.logviews._BREAK_GLASS_COLUMNS): granted, until, state, user, case, reason,
    and the review or a link to review it."""
    active, ended = _state("pending", _("Pågår")), _state("expired", _("Avslutad"))
    reviewed, review = _state("active", _("Granskad")), escape(_("Granska"))
    parts = []
    for grant in grants:
        granted_at, reference = _minute(grant["granted_at"]), grant["case__reference"]
        log_url = reverse("cases:access_log", args=[grant["case__key"]])
        if grant["review__pk"]:
            when = timezone.localtime(grant["review__reviewed_at"]).strftime("%Y-%m-%d")
            by, comment = grant["review__reviewed_by__full_name"], grant["review__comment"]
            cell = f"{reviewed} {when}, {escape(by)}: {escape(comment)}"
        else:
            url = reverse("cases:break_glass_review", args=[grant["pk"]])
            hidden = _("öppningen av %(ref)s %(when)s") % {
                "ref": escape(reference),
                "when": granted_at,
            }
            cell = (
                f'<a class="button button--secondary" href="{escape(url)}">{review}'
                f'<span class="visually-hidden"> {hidden}</span></a>'
            )
        parts.append(
            f'<tr><td class="nowrap">{granted_at}</td>'
            f'<td class="nowrap">{_minute(grant["expires_at"])}</td>'
            f"<td>{active if grant['expires_at'] > now else ended}</td>"
            f"<td>{escape(grant['user__full_name'])}</td>"
            f'<td class="nowrap"><a href="{escape(log_url)}">{escape(reference)}</a></td>'
            f"<td>{escape(grant['reason'])}</td>"
            f"<td>{cell}</td></tr>"
        )
    # Every text above went through html.escape, as Django's escape does; the translated
    # words are the templates' own.
    return mark_safe("".join(parts))  # noqa: S308
