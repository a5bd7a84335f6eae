"""The risk section's per-case statement (issue 16: grouped by the case, the police condition
in each aggregate's filter, "within 14 days" as a finalisation before the local midnight that
ends the 14th day) against the definitions counted in Python over the same rows.

A varied data set: cases of two units, one moved to the other unit after its first
assessment (that assessment is no longer the police's of the case), social services' and
another unit's assessments, several instruments and versions on a case, finalisations either
side of the local midnights that bound the 14th day (also across the change to summer time on
29 March 2026), reassessments falling due in and out of the periods, cases opened long before.
March 2026 against February 2026, today 2026-04-15, for the head of unit A and nationally.
"""

from __future__ import annotations

import random
import statistics
from datetime import date, datetime, timedelta

import pytest

from cases import statsaccess
from cases.models import ProtectionCase
from riskassessment.models import Assessment, Instrument
from stats.indicators import risk
from stats.periods import periods
from stats.registry import Context
from tests.statistics import dataset

pytestmark = pytest.mark.django_db

TODAY = dataset.TODAY.date()


def _finalised(opened: date, rng: random.Random) -> datetime:
    """Mostly near the 14-day limit and near local midnight, where a wrong bound shows."""
    day = opened + timedelta(days=rng.choice([0, 1, 5, 13, 14, 14, 15, 15, 16, 30]))
    hh, mm = rng.choice([(0, 0), (0, 30), (1, 15), (12, 0), (23, 30), (23, 59)])
    return dataset.at(day.year, day.month, day.day, hh, mm)


@pytest.fixture
def varied(unit_a, unit_b, koping, handler, social):
    rng = random.Random(16)
    sara = Instrument.objects.get(code="SARA_SV", version="1")
    patriark = Instrument.objects.get(code="PATRIARK", version="1")
    sara_2 = Instrument.objects.create(code="SARA_SV", name="A SARA 2", version="2")
    instruments = [sara, patriark, sara_2]
    openings = [date(2026, 2, 1) + timedelta(days=n) for n in range(0, 60, 3)]
    openings += [date(2025, 11, 20), date(2025, 6, 1), date(2026, 3, 15), date(2026, 3, 16)]
    for n, opened in enumerate(openings):
        unit = unit_a if n % 3 else unit_b
        c = dataset.case(unit, opened, ProtectionCase.Category.OTHER)
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            org = rng.choice([unit, unit, unit, koping, unit_b if unit == unit_a else unit_a])
            finalised = _finalised(opened, rng)
            due = rng.choice([None, date(2026, 2, 20), date(2026, 3, 10), date(2026, 4, 20)])
            Assessment.objects.create(
                case=c,
                instrument=rng.choice(instruments),
                organisation=org,
                assessor=social if org == koping else handler,
                status=Assessment.Status.FINAL,
                assessed_on=finalised.astimezone(dataset.STHLM).date(),
                finalised_at=finalised,
                next_reassessment_on=due,
            )
    # Finalised exactly at the local midnight that ends the 14th day (outside), and the last
    # minute before it (inside), across the change to summer time (29 March 2026).
    for opened, finalised in (
        (date(2026, 3, 15), dataset.at(2026, 3, 30, 0, 0)),
        (date(2026, 3, 16), dataset.at(2026, 3, 30, 23, 59)),
    ):
        c = dataset.case(unit_a, opened, ProtectionCase.Category.OTHER)
        Assessment.objects.create(
            case=c,
            instrument=patriark,
            organisation=unit_a,
            assessor=handler,
            status=Assessment.Status.FINAL,
            assessed_on=finalised.date(),
            finalised_at=finalised,
        )
    # A draft is never counted.
    Assessment.objects.create(
        case=c, instrument=sara, organisation=unit_a, assessor=handler, assessed_on=opened
    )
    # Moved to unit B after unit A's assessment: that assessment is not the police's of it.
    moved = ProtectionCase.objects.filter(unit=unit_a, assessments__organisation=unit_a).first()
    ProtectionCase.objects.filter(pk=moved.pk).update(unit=unit_b)


def _expected(ctx: Context, instruments: list[dict]) -> dict:
    """The definitions, counted in Python over every case and assessment."""
    in_scope = [
        c for c in ProtectionCase.objects.all() if ctx.national or c.unit_id in ctx.organisation_ids
    ]
    finals = {
        c.pk: [
            a
            for a in Assessment.objects.filter(case=c, status=Assessment.Status.FINAL)
            if a.organisation_id == c.unit_id
        ]
        for c in in_scope
    }

    def local_days(a: Assessment, c: ProtectionCase) -> int:
        return (a.finalised_at.astimezone(dataset.STHLM).date() - c.opened_on).days

    def within(c: ProtectionCase, pks: list[int]) -> bool:
        return any(
            a.instrument_id in pks and local_days(a, c) <= risk.WITHIN_DAYS for a in finals[c.pk]
        )

    versions = risk._versions(instruments)
    expected: dict = {}
    for tag, period in ctx.periods():
        new = [c for c in in_scope if period.start <= c.opened_on <= period.end and finals[c.pk]]
        firsts = [min(local_days(a, c) for a in finals[c.pk]) for c in new]
        expected[f"assessed_{tag}"] = len(new)
        expected[f"within_{tag}"] = sum(1 for d in firsts if d <= risk.WITHIN_DAYS)
        expected[f"median_{tag}"] = statistics.median(firsts) if firsts else None
        expected[f"due_{tag}"] = sum(
            1
            for c in in_scope
            for a in finals[c.pk]
            if a.next_reassessment_on
            and period.start <= a.next_reassessment_on <= period.reference_day(ctx.today)
        )
        for n, pks in enumerate(versions.values()):
            expected[f"code{n}_{tag}"] = sum(1 for c in new if within(c, pks))
    opened = [c for c in in_scope if ctx.previous.start <= c.opened_on <= ctx.current.end]
    for pks in versions.values():
        for pk in pks if len(pks) > 1 else ():
            expected[f"version{pk}"] = sum(1 for c in opened if within(c, [pk]))
    return expected


@pytest.mark.parametrize("who", ["head", "admin"])
def test_risk_statement_counts_as_the_definitions_in_python(varied, who, head, admin) -> None:
    user = {"head": head, "admin": admin}[who]
    scope = statsaccess.statistics_scope(user)
    assert scope is not None
    current, previous = periods("last_month", TODAY)
    ctx = Context(scope, tuple(scope.organisation_ids), current, previous, TODAY)
    instruments = risk._instruments()
    figures = risk._figures(ctx, instruments)
    expected = _expected(ctx, instruments)
    assert {key: figures[key] for key in expected} == expected
    # The data set reaches every branch: cases within and outside 14 days in both periods,
    # reassessments due, a code with two versions.
    assert 0 < expected["within_cur"] < expected["assessed_cur"]
    assert 0 < expected["within_prev"] < expected["assessed_prev"]
    assert expected["due_cur"] and expected["due_prev"]
    assert any(key.startswith("version") for key in expected)
