"""The access report's summary rows, written in Python (issue 16): a big unit's month has
over a thousand readers, and the template loop over their rows and figures cost more than
the query that counts them. The same HTML as the loop it replaces (a test compares them)."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

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
