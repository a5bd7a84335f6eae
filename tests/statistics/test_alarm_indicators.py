"""The alarm-loan figures on the hand-built data set of tests/statistics/alarms_dataset.py
(March 2026 against February 2026, today 2026-04-15 in Stockholm), expected figures written
out; police and national only, never for social services."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from alarms.models import Loan
from cases import statsaccess
from stats.periods import periods
from stats.presentation import build_sections, show
from tests.statistics import alarms_dataset, dataset
from tests.statistics.test_indicators import figures

pytestmark = pytest.mark.django_db

ALARM_TABLES = {"alarms_loans", "alarms_basis", "alarms_devices"}


@pytest.fixture
def data(unit_a, unit_b, koping, sala, handler, head, social):
    cases = dataset.build(unit_a, unit_b, koping, sala, handler, head, social).cases
    return alarms_dataset.build(cases, unit_a, unit_b, handler)


def test_police_head_sees_the_units_alarm_loans(data, head) -> None:
    f = figures(head)
    assert f["alarms_loans"] == {
        "Lån som började under perioden": ["2", "3"],
        "Pågående lån vid periodens slut": ["2", "3"],
        # March: L1's real alarm at 23:30 on 31 March of five loans running in March (L3's at
        # 00:30 on 1 April is April's); February: L4's of four (its test alarm is not counted).
        "Lån med minst ett skarpt larm": ["20 %", "25 %"],
        "Skarpa larm": ["1", "1"],
        "Avslutade lån": ["3", "1"],
        # 43, 42 and 6 days in March (lost L4 included); 5 days in February.
        "Medianlängd för avslutade lån (dagar)": ["42", "5"],
        "Medellängd för avslutade lån (dagar)": ["30,3", "5"],
        # March: L1 reviewed early and L5 returned on its review date (on time), L2 reviewed
        # two days late; L7 ended before its date (nothing due). February: L4 neither
        # reviewed nor ended by its date (lost later).
        "Översyner gjorda senast på utsatt dag": ["67 %", "0 %"],
    }
    assert f["alarms_basis"] == {
        "Strukturerad bedömning": ["50 %", "33 %", "1", "1"],
        "Utan strukturerad bedömning": ["50 %", "67 %", "1", "2"],
    }
    # At the end of 31 March: D3 lent at 23:30 counts as lent, D6 retired at 00:30 on
    # 1 April is still in store; D7 (added in April) has no status then.
    assert f["alarms_devices"] == {
        "I förråd": ["2", "3"],
        "Utlånad": ["2", "3"],
        "På service": ["1", "0"],
        "Förlorad": ["1", "0"],
        "Kasserad": ["0", "0"],
    }


def test_the_details_behind_the_shares_are_the_counts(data, head) -> None:
    scope = statsaccess.statistics_scope(head)
    assert scope is not None
    today = dataset.TODAY.date()
    ctx, sections = build_sections(
        scope, tuple(scope.organisation_ids), periods("last_month", today), today
    )
    table = next(t for s in sections for t in s.tables if t.key == "alarms_loans")
    rows = {row.label: row.cells for row in show(table, ctx).rows}
    assert [c.detail for c in rows["Lån med minst ett skarpt larm"]] == ["1 av 5", "1 av 4"]
    assert [c.detail for c in rows["Översyner gjorda senast på utsatt dag"]] == ["2 av 3", "0 av 1"]


def test_april_gets_the_alarm_and_the_retirement_after_local_midnight(data, head) -> None:
    scope = statsaccess.statistics_scope(head)
    assert scope is not None
    today = dataset.TODAY.date()
    pair = periods("custom", today, date(2026, 4, 1), date(2026, 4, 15))
    ctx, sections = build_sections(scope, tuple(scope.organisation_ids), pair, today)
    assert (ctx.previous.start, ctx.previous.end) == (date(2026, 3, 17), date(2026, 3, 31))
    f = {
        t.key: {row.label: [c.text for c in row.cells] for row in show(t, ctx).rows}
        for s in sections
        for t in s.tables
    }
    assert f["alarms_loans"]["Skarpa larm"] == ["1", "1"]
    assert f["alarms_loans"]["Lån som började under perioden"] == ["0", "1"]
    assert f["alarms_devices"]["Kasserad"] == ["1", "0"]
    assert f["alarms_devices"]["I förråd"] == ["2", "2"]  # D2 and D7; D2 and D6


def test_a_loan_of_a_purged_case_still_counts_for_the_devices_unit(data, head) -> None:
    Loan.objects.filter(pk=data.loans["L3"].pk).update(case=None)
    assert figures(head)["alarms_loans"]["Lån som började under perioden"] == ["2", "3"]


def test_the_head_of_unit_b_sees_only_unit_bs_loans(data, unit_b) -> None:
    from accounts.models import Membership
    from tests.factories import UserFactory

    head_b = UserFactory(email="head-b@polis.test")
    Membership.objects.create(user=head_b, organisation=unit_b, role=Membership.Role.HEAD)
    f = figures(head_b)
    assert f["alarms_loans"]["Lån som började under perioden"] == ["1", "0"]
    assert f["alarms_loans"]["Översyner gjorda senast på utsatt dag"] == ["0 %", "–"]
    assert f["alarms_devices"]["I förråd"] == ["4", "5"]


def test_national_alarm_figures_suppress_small_counts(data, admin) -> None:
    f = figures(admin)
    assert f["alarms_loans"] == {
        "Lån som började under perioden": ["<5", "<5"],
        "Pågående lån vid periodens slut": ["<5", "<5"],
        "Lån med minst ett skarpt larm": ["–", "–"],  # 2 of 6 and 1 of 4
        "Skarpa larm": ["<5", "<5"],
        "Avslutade lån": ["<5", "<5"],
        "Medianlängd för avslutade lån (dagar)": ["–", "–"],
        "Medellängd för avslutade lån (dagar)": ["–", "–"],
        "Översyner gjorda senast på utsatt dag": ["–", "–"],
    }
    assert f["alarms_basis"] == {
        "Strukturerad bedömning": ["–", "–", "<5", "<5"],
        "Utan strukturerad bedömning": ["–", "–", "<5", "<5"],
    }
    # Not blind: five or more devices in store are shown.
    assert f["alarms_devices"] == {
        "I förråd": ["6", "8"],
        "Utlånad": ["<5", "<5"],
        "På service": ["<5", "0"],
        "Förlorad": ["<5", "0"],
        "Kasserad": ["0", "0"],
    }


def test_social_services_head_sees_no_alarm_figure(data, social_head, login) -> None:
    assert not ALARM_TABLES & set(figures(social_head))
    client = login(social_head)
    with time_machine.travel(dataset.TODAY, tick=False):
        body = client.get(reverse("statistics:page") + "?period=last_month").content.decode()
        for key in ALARM_TABLES:
            assert client.get(reverse("statistics:csv", kwargs={"table": key})).status_code == 404
    for text in ("Larmutrustning", "larm", "Lån ", "Larmenheter"):
        assert text not in body, text


def test_alarm_csv_for_the_head_and_the_administrator(data, head, admin, login) -> None:
    url = reverse("statistics:csv", kwargs={"table": "alarms_loans"}) + "?period=last_month"
    with time_machine.travel(dataset.TODAY, tick=False):
        own = login(head).get(url).content.decode("utf-8-sig")
        national = login(admin).get(url).content.decode("utf-8-sig")
    assert "Lån med minst ett skarpt larm;20 %;25 %" in own
    assert "Medellängd för avslutade lån (dagar);30,3;5" in own
    assert "Lån som började under perioden;<5;<5" in national
    assert "Medianlängd för avslutade lån (dagar);–;–" in national
    for text in (own, national):
        assert "STAT-" not in text and alarms_dataset.SENTINEL_REASON not in text
