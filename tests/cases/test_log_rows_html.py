"""The log pages' rows written in Python (cases/templatetags/log_tags.py, issue 16) are the
HTML the template loops wrote: the loops are kept here as they stood in access_report.html
and break_glass_list.html, rendered with the very context of a real page, and compared with
the page – every kind of row (a linked case, a purged case, no case, no organisation, each
outcome and basis, reviewed and unreviewed, active and ended), text that needs escaping,
both languages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.template import engines
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone, translation

from cases import access, breakglass
from cases.models import ProtectionCase
from cases.models.accesslog import LogRow, append_entries
from tests.factories import make_case

pytestmark = pytest.mark.django_db
TRICKY = "<b>\"Åsa\" & 'Ö'</b>"

_REPORT_LOOP = """{% load i18n %}{% for entry in page %}
    <tr>
      <td class="nowrap">{{ entry.at|date:"Y-m-d H:i" }}</td>
      <td>{{ entry.user.full_name }}</td>
      <td class="nowrap">{% if entry.case %}<a href="{% url 'cases:access_log' entry.case.key %}">\
{{ entry.case_reference }}</a>{% else %}{{ entry.case_reference|default:"–" }}{% endif %}</td>
      <td>{{ entry.organisation.name|default:"–" }}</td>
      {% include "cases/sharing/_log_cells.html" %}
    </tr>
{% endfor %}"""

_BREAK_GLASS_LOOP = """{% load i18n %}{% for grant in page %}
    <tr>
      <td class="nowrap">{{ grant.granted_at|date:"Y-m-d H:i" }}</td>
      <td class="nowrap">{{ grant.expires_at|date:"Y-m-d H:i" }}</td>
      <td>{% if grant.expires_at > now %}<span class="state state--pending">\
{% translate "Pågår" %}</span>{% else %}<span class="state state--expired">\
{% translate "Avslutad" %}</span>{% endif %}</td>
      <td>{{ grant.user__full_name }}</td>
      <td class="nowrap"><a href="{% url 'cases:access_log' grant.case__key %}">\
{{ grant.case__reference }}</a></td>
      <td>{{ grant.reason }}</td>
      <td>{% if grant.review__pk %}<span class="state state--active">{% translate "Granskad" %}\
</span> {{ grant.review__reviewed_at|date:"Y-m-d" }}, {{ grant.review__reviewed_by__full_name }}: \
{{ grant.review__comment }}{% else %}<a class="button button--secondary" \
href="{% url 'cases:break_glass_review' grant.pk %}">{% translate "Granska" %}\
<span class="visually-hidden"> {% blocktranslate with ref=grant.case__reference \
when=grant.granted_at|date:"Y-m-d H:i" %}öppningen av {{ ref }} {{ when }}{% endblocktranslate %}\
</span></a>{% endif %}</td>
    </tr>
{% endfor %}"""


def _tbody(html: str) -> str:
    return html[html.rindex("<tbody>") + len("<tbody>") : html.rindex("</tbody>")]


def _assert_same(response: Any, loop: str, tag: str, context: dict[str, Any]) -> None:
    """The page's rows are the loop's (in Swedish, the page's language), and the tag writes
    the loop's HTML in English too."""
    engine = engines["django"]
    assert parse_html(_tbody(response.content.decode())) == parse_html(
        engine.from_string(loop).render(context)
    )
    with translation.override("en"):
        ours = engine.from_string("{% load log_tags %}{% " + tag + " %}").render(context)
        theirs = engine.from_string(loop).render(context)
    assert "<tr>" in ours and parse_html(ours) == parse_html(theirs)


def test_the_reports_rows_are_the_template_loops(
    login, head, handler, colleague, other_police, unit_a, unit_b
) -> None:
    mine, purged = make_case(handler), make_case(handler)
    colleague.full_name = TRICKY
    colleague.save()
    rows = [
        LogRow(handler.pk, unit_a.pk, mine.pk, mine.reference, "detail", "", True, "assigned"),
        LogRow(colleague.pk, unit_a.pk, mine.pk, mine.reference, "print", TRICKY, True),
        LogRow(colleague.pk, None, mine.pk, mine.reference, "part", "", False, "", ""),
        LogRow(colleague.pk, unit_a.pk, mine.pk, "x", "search", "", True, "break_glass", TRICKY),
        LogRow(other_police.pk, unit_b.pk, mine.pk, mine.reference, "email", "", True, "other"),
        LogRow(handler.pk, unit_a.pk, purged.pk, purged.reference, "export", "x", True, "head"),
        LogRow(head.pk, unit_a.pk, None, "", "log", "åtkomstrapport", True),
    ]
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False), transaction.atomic():
        append_entries(rows)
    ProtectionCase.objects.filter(pk=purged.pk).delete()
    response = login(head).get(reverse("cases:access_report"))
    context = {"page": response.context["page"], "via_labels": response.context["via_labels"]}
    assert len(context["page"].object_list) == len(rows)
    assert {e.case is None for e in context["page"]} == {True, False}
    _assert_same(response, _REPORT_LOOP, "report_rows page.object_list via_labels", context)


def test_the_break_glass_lists_rows_are_the_template_loops(login, head, handler, colleague) -> None:
    case = make_case(handler)
    colleague.full_name = TRICKY
    colleague.save()
    reason = f"Skyddspersonen ringde jourtid {TRICKY}"
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        ended = access.break_the_glass(colleague, case, reason=reason)
        breakglass.review(head, ended, comment=f"Stämmer {TRICKY}")
        access.break_the_glass(colleague, make_case(handler), reason=reason)
    access.break_the_glass(colleague, case, reason=reason)  # active, unreviewed
    response = login(head).get(reverse("cases:break_glass_list"))
    context = {"page": response.context["page"], "now": response.context["now"]}
    assert [bool(g["review__pk"]) for g in context["page"]] == [False, False, True]
    _assert_same(response, _BREAK_GLASS_LOOP, "break_glass_rows page.object_list now", context)
