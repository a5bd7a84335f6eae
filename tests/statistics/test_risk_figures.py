"""The risk section's figures where one query per case computes them all (issue 16): several
instruments and versions on a case, reassessments by another organisation or too late,
reassessments falling due on cases opened long before the periods. March 2026 against
February 2026, today 2026-04-15, as seen by the head of unit A."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from cases.models import ProtectionCase
from riskassessment.models import Assessment, Instrument
from tests.statistics import dataset
from tests.statistics.test_indicators import figures

pytestmark = pytest.mark.django_db

Cat = ProtectionCase.Category


def _final(c, org, assessor, instrument, finalised, next_due=None, previous=None) -> Assessment:
    return Assessment.objects.create(
        case=c,
        instrument=instrument,
        organisation=org,
        assessor=assessor,
        status=Assessment.Status.FINAL,
        assessed_on=finalised.astimezone(dataset.STHLM).date(),
        finalised_at=finalised,
        next_reassessment_on=next_due,
        previous=previous,
    )


@pytest.fixture
def risk_data(unit_a, unit_b, koping, handler, social):
    at = dataset.at
    sara = Instrument.objects.get(code="SARA_SV", version="1")
    patriark = Instrument.objects.get(code="PATRIARK", version="1")
    # Two more versions of SARA:SV under other names: the row is named by the first name
    # (in order) of a version with an assessment within 14 days, and counts a case once.
    sara_2 = Instrument.objects.create(code="SARA_SV", name="A SARA 2", version="2")
    sara_3 = Instrument.objects.create(code="SARA_SV", name="0 SARA 3", version="3")

    def case(opened: date, unit=unit_a) -> ProtectionCase:
        return dataset.case(unit, opened, Cat.CLOSE_RELATIONSHIP)

    # New in March: five cases.
    m1, m2, m3, m4 = (case(date(2026, 3, d)) for d in (2, 3, 4, 5))
    case(date(2026, 3, 6))  # no assessment
    _final(m1, unit_a, handler, sara, at(2026, 3, 10))  # 8 days
    _final(m1, unit_a, handler, patriark, at(2026, 3, 12))  # 10 days: under both
    _final(m2, unit_a, handler, sara_2, at(2026, 3, 5))  # 2 days
    _final(m2, unit_a, handler, sara, at(2026, 3, 6))  # 3 days, the same code
    _final(m3, unit_a, handler, sara_3, at(2026, 3, 30))  # 26 days: not within 14
    _final(m4, koping, social, sara, at(2026, 3, 6))  # social services': not counted
    # New in February: one, assessed the next day and due for reassessment in March; the
    # social services' reassessment does not count as the police's.
    f1 = case(date(2026, 2, 10))
    first_f1 = _final(f1, unit_a, handler, patriark, at(2026, 2, 11), next_due=date(2026, 3, 20))
    _final(f1, koping, social, patriark, at(2026, 3, 15), previous=first_f1)
    # Opened in 2025, due for reassessment in the periods: reassessed in time, too late, in
    # time in February.
    old = [case(date(2025, 6, 1)) for _ in range(3)]
    dues = (date(2026, 3, 10), date(2026, 3, 12), date(2026, 2, 15))
    reassessed = (at(2026, 3, 9), at(2026, 3, 14), at(2026, 2, 10))
    for c, due, again in zip(old, dues, reassessed, strict=True):
        first = _final(c, unit_a, handler, sara, at(2025, 6, 2), next_due=due)
        _final(c, unit_a, handler, sara, again, previous=first)
    # Unit B's, due in March and reassessed in time: not unit A's figures.
    b = case(date(2025, 6, 1), unit=unit_b)
    first_b = _final(b, unit_b, handler, sara, at(2025, 6, 2), next_due=date(2026, 3, 10))
    _final(b, unit_b, handler, sara, at(2026, 3, 1), previous=first_b)


def test_risk_figures_per_case_instrument_and_reassessment(risk_data, head) -> None:
    with time_machine.travel(dataset.TODAY, tick=False):
        f = figures(head)
    assert f["risk_summary"] == {
        "Nya ärenden med slutförd strukturerad bedömning inom 14 dagar": ["40 %", "100 %"],
        "Mediantid till första bedömningen (dagar)": ["8", "1"],
        "Omprövningar gjorda senast på utsatt dag": ["33 %", "100 %"],
    }
    assert list(f["risk_by_instrument"].items()) == [
        ("A SARA 2", ["40 %", "0 %", "2", "0"]),
        ("PATRIARK", ["20 %", "100 %", "1", "1"]),
    ]
