"""Every indicator on the hand-built data set of tests/statistics/dataset.py (March 2026
against February 2026, today 2026-04-15 in Stockholm), with the expected figures written out."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from cases import statsaccess
from stats.periods import periods
from stats.presentation import build_sections, show
from tests.statistics import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(unit_a, unit_b, koping, sala, handler, head, social):
    return dataset.build(unit_a, unit_b, koping, sala, handler, head, social)


def figures(user, ids=None) -> dict[str, dict[str, list[str]]]:
    """{table key: {row label: [this period, previous, (next measure ...)]}} as displayed."""
    scope = statsaccess.statistics_scope(user)
    assert scope is not None
    today = dataset.TODAY.date()
    ctx, sections = build_sections(
        scope, ids or tuple(scope.organisation_ids), periods("last_month", today), today
    )
    return {
        shown.table.key: {row.label: [c.text for c in row.cells] for row in shown.rows}
        for section in sections
        for shown in (show(t, ctx) for t in section.tables)
    }


def test_the_case_opened_at_2330_local_on_31_march_is_a_march_case(data) -> None:
    # 21:30 UTC on 31 March is 23:30 in Stockholm: the case belongs to March.
    assert data.cases["c3"].opened_on == date(2026, 3, 31)


def test_police_head_sees_the_units_figures(data, head) -> None:
    f = figures(head)
    assert f["cases_summary"] == {
        "Öppna ärenden vid periodens slut": ["15", "14"],
        "Nya ärenden": ["3", "2"],
        "Avslutade ärenden": ["2", "1"],
        "Mediantid från öppnande till avslut (dagar)": ["25", "8"],
    }
    assert f["cases_by_category"]["Våld i nära relation"] == ["1", "1", "1", "0", "1", "1"]
    assert f["cases_by_category"]["Hedersrelaterat våld och förtryck"] == [
        "1",
        "0",
        "1",
        "0",
        "0",
        "0",
    ]
    assert f["cases_by_category"]["Stalkning/förföljelse"] == ["1", "0", "0", "0", "1", "0"]
    assert f["cases_by_category"]["Vittne/bevisperson"] == ["0", "1", "0", "1", "0", "0"]
    assert f["cases_by_category"]["Informatör"] == ["0", "0", "0", "0", "12", "12"]
    assert f["cases_by_category"]["Annan hotbild"] == ["0", "0", "0", "0", "1", "1"]
    assert f["cases_load"] == {
        "<10": ["1", "–"],
        "10–19": ["1", "–"],
        "20–29": ["0", "–"],
        "30+": ["0", "–"],
    }
    assert f["risk_summary"] == {
        "Nya ärenden med slutförd strukturerad bedömning inom 14 dagar": ["33 %", "50 %"],
        "Mediantid till första bedömningen (dagar)": ["14", "2"],
        "Omprövningar gjorda senast på utsatt dag": ["50 %", "–"],
    }
    assert f["risk_by_instrument"] == {"SARA:SV": ["33 %", "50 %", "1", "1"]}
    assert f["followup_summary"] == {
        "Uppföljningar gjorda senast på utsatt dag": ["33 %", "0 %"],
        "Försenade uppföljningar vid periodens slut": ["1", "1"],
        "Öppna ärenden utan planerad uppföljning (målet är noll)": ["13", "13"],
    }
    assert f["bans_decisions"] == {
        "Begärda": ["2", "1"],
        "Beviljade": ["1", "1"],
        "Avslagna": ["1", "0"],
    }
    assert f["bans_breaches"] == {
        "Överträdelser": ["3", "1"],
        "Överträdelser per gällande förbud": ["1,5", "1,0"],
        "Förbud som löper ut inom 30 dagar": ["1", "0"],
    }
    assert f["sharing_by_basis"]["Samtycke"] == ["1", "1"]
    assert f["sharing_by_basis"]["OSL 10 kap. 2 § (nödvändigt utlämnande)"] == ["1", "0"]
    assert f["sharing_by_basis"]["Annan grund"] == ["1", "0"]
    assert f["sharing_access"] == {
        "Återkallade samtycken": ["1", "0"],
        # 23:30 local on 31 March counts, 00:30 local on 1 April (22:30 UTC on 31 March) not.
        "Öppningar med nödåtkomst": ["1", "1"],
        "Andel nödåtkomster som granskats": ["0 %", "0 %"],
    }
    assert f["support_summary"] == {
        "Nya ärenden där skyddspersonen informerats om stöd": ["33 %", "50 %"]
    }
    assert not any(key.startswith("social_") for key in f)


def test_the_head_of_unit_b_sees_only_unit_b(data, unit_b) -> None:
    from accounts.models import Membership
    from tests.factories import UserFactory

    head_b = UserFactory(email="head-b@polis.test")
    Membership.objects.create(user=head_b, organisation=unit_b, role=Membership.Role.HEAD)
    f = figures(head_b)
    assert f["cases_summary"]["Nya ärenden"] == ["1", "0"]
    assert f["risk_summary"]["Nya ärenden med slutförd strukturerad bedömning inom 14 dagar"] == [
        "100 %",
        "–",
    ]


def test_a_head_of_two_units_sees_them_together_or_one_by_one(data, head, unit_a, unit_b) -> None:
    from accounts.models import Membership

    Membership.objects.create(user=head, organisation=unit_b, role=Membership.Role.HEAD)
    head.refresh_from_db()
    assert figures(head)["cases_summary"]["Nya ärenden"] == ["4", "2"]
    assert figures(head, (unit_b.pk,))["cases_summary"]["Nya ärenden"] == ["1", "0"]
    assert figures(head, (unit_a.pk,))["cases_summary"]["Nya ärenden"] == ["3", "2"]


def test_social_services_head_sees_own_disclosures_assessments_and_commitments(
    data, social_head
) -> None:
    f = figures(social_head)
    assert set(f) == {
        "social_disclosures",
        "social_by_basis",
        "social_assessments",
        "social_commitments",
    }
    assert f["social_disclosures"] == {
        "Gällande utlämnanden vid periodens slut": ["2", "1"],
        "Återkallade samtycken": ["1", "0"],
    }
    # Sala's disclosure of the same case ("Annan grund") is not Köping's.
    assert f["social_by_basis"]["Samtycke"] == ["1", "1"]
    assert f["social_by_basis"]["OSL 10 kap. 2 § (nödvändigt utlämnande)"] == ["1", "0"]
    assert f["social_by_basis"]["Annan grund"] == ["0", "0"]
    # 23:30 local on 31 March is March; 00:30 local on 1 April is not; Sala's is not Köping's.
    assert f["social_assessments"] == {"SARA:SV": ["1", "0"]}
    assert f["social_commitments"] == {
        "Överenskomna planversioner som organisationen bekräftat": ["1", "0"]
    }


def test_national_figures_suppress_small_counts_and_shares_from_them(data, admin) -> None:
    f = figures(admin)
    assert f["cases_summary"] == {
        "Öppna ärenden vid periodens slut": ["16", "14"],
        "Nya ärenden": ["<5", "<5"],
        "Avslutade ärenden": ["<5", "<5"],
        "Mediantid från öppnande till avslut (dagar)": ["–", "–"],
    }
    assert f["cases_by_category"]["Informatör"] == ["0", "0", "0", "0", "12", "12"]
    assert f["risk_summary"]["Nya ärenden med slutförd strukturerad bedömning inom 14 dagar"] == [
        "–",
        "–",
    ]
    assert f["bans_breaches"]["Överträdelser per gällande förbud"] == ["–", "–"]
    assert f["followup_summary"]["Öppna ärenden utan planerad uppföljning (målet är noll)"] == [
        "14",
        "13",
    ]
    for table in f.values():
        for cells in table.values():
            for text in cells:
                number = re.fullmatch(r"[\d\u00a0]+(?:,\d)?", text)
                assert (
                    text in ("<5", "–", "0")
                    or text.endswith("%")
                    or (number and float(text.replace("\u00a0", "").replace(",", ".")) >= 5)
                ), text


def test_a_suppressed_share_is_shown_once_counts_reach_five(data, admin) -> None:
    """Not blind: with five or more behind a share, the national view shows it."""
    from cases.models import ProtectionCase
    from tests.statistics.dataset import case

    unit = data.cases["c1"].unit
    for _ in range(3):
        case(unit, date(2026, 3, 9), ProtectionCase.Category.OTHER)
    f = figures(admin)
    assert f["cases_summary"]["Nya ärenden"] == ["7", "<5"]
    # 2 of 7 within 14 days: the numerator is small, so the share stays hidden.
    assert f["risk_summary"]["Nya ärenden med slutförd strukturerad bedömning inom 14 dagar"] == [
        "–",
        "–",
    ]


def test_periods_are_calendar_months_quarters_years_and_chosen_dates() -> None:
    today = date(2026, 1, 15)
    cur, prev = periods("last_month", today)
    assert (cur.start, cur.end, prev.start, prev.end) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
        date(2025, 11, 1),
        date(2025, 11, 30),
    )
    cur, prev = periods("this_quarter", today)
    assert (cur.start, cur.end, prev.start, prev.end) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    cur, prev = periods("last_year", today)
    assert (cur.start, prev.end) == (date(2025, 1, 1), date(2024, 12, 31))
    cur, prev = periods("custom", today, date(2026, 3, 1), date(2026, 3, 10))
    assert (prev.start, prev.end) == (date(2026, 2, 19), date(2026, 2, 28))
    assert cur.start_at.isoformat() == "2026-03-01T00:00:00+01:00"
    assert cur.end_before.isoformat() == "2026-03-11T00:00:00+01:00"


def test_the_page_shows_the_figures_beside_the_previous_period(data, head, login) -> None:
    with time_machine.travel(dataset.TODAY, tick=False):
        body = login(head).get("/statistik/?period=last_month").content.decode()
    assert "mars 2026" in body and "februari 2026" in body
    assert "Ärenden med öppningsdatum inom perioden." in body  # a definition
    assert "<svg" in body and 'role="img"' in body and "<desc" in body
