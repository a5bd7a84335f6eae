"""The per-user access report's figures (issue 16): however the page counts them, they must be
what a plain count of the unit's log rows gives – every kind of row a unit's report may hold
(stored unit, rows from before the unit was stored, the unit's own log-page reads, denials,
break-the-glass) beside rows it must not (another unit's, outside the period)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from cases.models import AccessLogEntry, ProtectionCase
from cases.models.accesslog import LogRow, append_entries
from tests.cases.test_access_log_unit import _legacy_row
from tests.factories import make_case

pytestmark = pytest.mark.django_db
REPORT = reverse("cases:access_report")


def _plain_summary(
    units: list[int],
    first: date,
    last: date,
    user: User | None = None,
    channel: str = "",
) -> list[dict[str, Any]]:
    """The summary counted the straightforward way: every row of the log, tested in Python."""
    unit_cases = set(ProtectionCase.objects.filter(unit_id__in=units).values_list("pk", flat=True))

    def of_the_unit(row: AccessLogEntry) -> bool:
        if row.case_unit_id is not None and row.case_unit_id in units:
            return True
        if row.case_unit_id is None and row.case_id is not None:
            return row.case_id in unit_cases
        return row.case_id is None and row.channel == "log" and row.organisation_id in units

    per_user: dict[int, list[AccessLogEntry]] = {}
    for row in AccessLogEntry.objects.all():
        day = timezone.localdate(row.at)
        if not of_the_unit(row) or not first <= day <= last:
            continue
        if (user and row.user_id != user.pk) or (channel and row.channel != channel):
            continue
        per_user.setdefault(row.user_id, []).append(row)
    users = User.objects.filter(pk__in=per_user).order_by("full_name", "pk")
    return [
        {
            "user_id": u.pk,
            "reads": sum(r.granted for r in per_user[u.pk]),
            "cases": len({r.case_id for r in per_user[u.pk] if r.granted and r.case_id}),
            "break_glass": sum(r.via == "break_glass" for r in per_user[u.pk]),
            "denied": sum(not r.granted for r in per_user[u.pk]),
            "user__full_name": u.full_name,
        }
        for u in users
    ]


def _rows(user: User, org: Organisation | None, case: ProtectionCase | None, **kw: Any) -> LogRow:
    return LogRow(
        user.pk,
        org.pk if org else None,
        case.pk if case else None,
        case.reference if case else "",
        kw.pop("channel", "detail"),
        kw.pop("what", ""),
        kw.pop("granted", True),
        **kw,
    )


@pytest.fixture
def log(handler, colleague, head, other_police, social, unit_a, unit_b, koping) -> None:
    """A month and more of the log: the unit's cases read by its own and by outsiders,
    another unit's case, log-page reads of both units, rows without a unit."""
    mine, second = make_case(handler), make_case(handler)
    theirs = make_case(other_police, unit=unit_b)
    now = timezone.now()
    for days_ago, rows in (
        (45, [_rows(colleague, unit_a, mine, what="för gammal")]),
        (
            20,
            [
                _rows(handler, unit_a, mine),
                _rows(handler, unit_a, mine, channel="print"),
                _rows(handler, unit_a, second, channel="part"),
                _rows(colleague, unit_a, mine, via="break_glass", break_glass_reason="Akut"),
                _rows(colleague, unit_a, second, granted=False),
                _rows(social, koping, mine, channel="search", via="disclosure"),
            ],
        ),
        (
            3,
            [
                _rows(colleague, unit_a, mine, via="break_glass", break_glass_reason="Igen"),
                _rows(other_police, unit_b, theirs),
                _rows(other_police, unit_b, mine, granted=False),
                _rows(head, unit_a, None, channel="log", what="åtkomstrapport"),
                _rows(other_police, unit_b, None, channel="log", what="åtkomstrapport"),
                _rows(handler, unit_a, None, granted=False, what="okänt ärende"),
                # Written with a unit but no case (append_entries lets a caller): once.
                _rows(head, unit_a, None, channel="log", case_unit_id=unit_a.pk),
                _rows(head, unit_a, None, channel="log", case_unit_id=unit_b.pk),
            ],
        ),
    ):
        with time_machine.travel(now - timedelta(days=days_ago), tick=False), transaction.atomic():
            append_entries(rows)
    with time_machine.travel(now - timedelta(days=10), tick=False):
        _legacy_row(colleague, mine, "före enheten")  # the same case as a stored row: once
        _legacy_row(handler, second, "före enheten")
        _legacy_row(other_police, theirs, "annan enhet")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"channel": "detail"},
        {"channel": "log"},
        {"who": "colleague"},
        {"who": "social", "channel": "search"},
        {"days": 5},
        {"days": 60},
    ],
    ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()) or "default",
)
def test_the_summary_is_a_plain_count_of_the_units_rows(
    request, params, log, login, head, unit_a
) -> None:
    today = timezone.localdate()
    first = today - timedelta(days=params.get("days", 30))
    who = request.getfixturevalue(params["who"]) if "who" in params else None
    query = {"date_from": first.isoformat(), "date_to": today.isoformat()}
    if who:
        query["user"] = who.pk
    if params.get("channel"):
        query["channel"] = params["channel"]
    expected = _plain_summary([unit_a.pk], first, today, who, params.get("channel", ""))
    assert expected  # the data set has rows for every filter
    response = login(head).get(REPORT, query)
    assert response.context["summary"] == expected
    assert response.context["page"].paginator.count == sum(
        row["reads"] + row["denied"] for row in expected
    )
    html = response.content.decode()
    for row in expected:
        assert row["user__full_name"] in html


def test_the_default_month_has_the_expected_figures(log, login, head, handler, colleague) -> None:
    """The figures themselves, so that a plain count that drifted with the page is caught."""
    summary = login(head).get(REPORT).context["summary"]
    figures = {row["user__full_name"]: row for row in summary}
    assert (figures[handler.full_name]["reads"], figures[handler.full_name]["cases"]) == (4, 2)
    assert figures[handler.full_name]["denied"] == 0  # "okänt ärende" is no row of the unit
    assert {k: figures[colleague.full_name][k] for k in ("reads", "cases", "break_glass")} == {
        "reads": 3,
        "cases": 1,
        "break_glass": 2,
    }
    assert figures[colleague.full_name]["denied"] == 1


# The loop the summary_rows tag replaced, as it stood in access_report.html.
_TEMPLATE_LOOP = """{% for row in summary %}
    <tr>
      <th scope="row">{{ row.user__full_name }}</th>
      <td class="num">{{ row.reads }}</td>
      <td class="num">{{ row.cases }}</td>
      <td class="num">{{ row.break_glass }}</td>
      <td class="num">{% if row.denied %}<strong class="overdue">{{ row.denied }}</strong>\
{% else %}0{% endif %}</td>
    </tr>
{% endfor %}"""


@pytest.mark.parametrize("language", ["sv", "en"])
def test_summary_rows_write_the_html_the_template_loop_wrote(language) -> None:
    from django.template import engines
    from django.test.utils import override_settings
    from django.utils import translation

    summary = [
        {"user__full_name": name, "reads": r, "cases": c, "break_glass": b, "denied": d}
        for name, r, c, b, d in (
            ('Åsa <b>"Ö"</b> & co', 12345, 1200, 0, 3),
            ("Bo", 0, 0, 7, 0),
            ("", 1, 1, 1, 1),
        )
    ]
    engine = engines["django"]
    for thousands in (False, True):
        with override_settings(USE_THOUSAND_SEPARATOR=thousands), translation.override(language):
            loop = engine.from_string(_TEMPLATE_LOOP).render({"summary": summary})
            tag = engine.from_string("{% load log_tags %}{% summary_rows summary %}").render(
                {"summary": summary}
            )
        assert parse_html(tag) == parse_html(loop)


def test_the_person_select_offers_what_a_model_choice_field_offers(head, colleague) -> None:
    """Options from (id, name) rows instead of a model instance each: the same HTML, chosen
    or not, for a user with a name and one without (shown by e-mail, as str(user))."""
    from django import forms

    from accounts.models import User
    from cases.formfields import LongSelect
    from cases.sharing.forms import AccessReportForm

    User.objects.filter(pk=colleague.pk).update(full_name="")
    candidates = User.objects.filter(pk__in=[head.pk, colleague.pk]).order_by("full_name", "pk")

    class Plain(forms.Form):
        user = forms.ModelChoiceField(
            queryset=candidates, required=False, empty_label="Alla", widget=LongSelect
        )

    today = timezone.localdate().isoformat()
    for chosen in ("", str(colleague.pk), str(head.pk)):
        data = {"user": chosen, "date_from": today, "date_to": today}
        ours = AccessReportForm(data, candidates=candidates)
        assert ours.is_valid()
        plain = Plain(data)
        assert plain.is_valid()
        assert ours.cleaned_data["user"] == plain.cleaned_data["user"]
        assert parse_html(str(ours["user"])) == parse_html(str(plain["user"]))
    assert colleague.email in str(ours["user"])


def test_the_report_takes_a_fixed_number_of_queries(log, login, head) -> None:
    client = login(head)
    client.get(REPORT)  # the first page after the login writes the session's idle stamp
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORT).status_code == 200
    # Session, user, second factor, memberships (with the units); the summary (which is also
    # the count); the page's rows; the log row of this read; the person select's options.
    assert len(queries) == 8, [q["sql"][:80] for q in queries.captured_queries]


def test_the_summary_pages_hold_every_person_once_with_the_plain_figures(
    log, login, head, unit_a, monkeypatch
) -> None:
    """The summary's pages of people (``personer``): together the plain count, each person's
    distinct cases counted on their own page; past the end the last page, not a number the
    first; the rows' count is every person's, whichever page of people is shown."""
    from cases.sharing import logviews

    monkeypatch.setattr(logviews, "SUMMARY_PAGE_SIZE", 2)
    today = timezone.localdate()
    client = login(head)
    seen = []  # (the plain summary just before the visit, the visit's context)
    for n in (1, 2, 3, 9, 0, "x"):
        expected = _plain_summary([unit_a.pk], today - timedelta(days=30), today)
        seen.append((expected, client.get(REPORT, {"personer": n}).context))
    assert all(len(expected) == 5 for expected, _c in seen)
    slices = [slice(0, 2), slice(2, 4), slice(4, 5), slice(4, 5), slice(4, 5), slice(0, 2)]
    for (expected, context), part in zip(seen, slices, strict=True):
        assert context["summary"] == expected[part]
        assert context["summary_page"].paginator.count == 5
        assert context["page"].paginator.count == sum(r["reads"] + r["denied"] for r in expected)
    html = client.get(REPORT, {"personer": 2, "sida": 1}).content.decode()
    assert "Personerna 3–4 av 5, i bokstavsordning" in html
    assert "personer=1" in html and "personer=3" in html
