"""The alarm loans counted from the decisions' and the alarms' side (issue 16): a loan with
two initial decisions, a loan with two real alarms and an alarm registered on a loan that had
ended before the period, on top of tests/statistics/alarms_dataset.py (March 2026 against
February 2026, today 2026-04-15, the head of unit A)."""

from __future__ import annotations

from datetime import date

import pytest

from alarms.models import LoanDecision
from tests.statistics import alarms_dataset, dataset
from tests.statistics.test_indicators import figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(unit_a, unit_b, koping, sala, handler, head, social):
    cases = dataset.build(unit_a, unit_b, koping, sala, handler, head, social).cases
    a = alarms_dataset.build(cases, unit_a, unit_b, handler)
    loans, initial = a.loans, LoanDecision.Kind.INITIAL
    # L1 (March, structured) also has a written initial decision: it counts under both.
    alarms_dataset.decide(
        loans["L1"], initial, date(2026, 3, 2), date(2026, 3, 20), assessment=False, by=handler
    )
    # A second real alarm on L1 in March: two alarms, still one loan with an alarm.
    alarms_dataset.alarm(loans["L1"], dataset.at(2026, 3, 20))
    # L7 was returned on 26 February: its alarm in March is an alarm, not a March loan's.
    alarms_dataset.alarm(loans["L7"], dataset.at(2026, 3, 10))
    return a


def test_loans_are_counted_once_whatever_their_decisions_and_alarms(data, head) -> None:
    f = figures(head)
    assert f["alarms_loans"]["Lån med minst ett skarpt larm"] == ["20 %", "25 %"]
    assert f["alarms_loans"]["Skarpa larm"] == ["3", "1"]
    assert f["alarms_loans"]["Lån som började under perioden"] == ["2", "3"]
    assert f["alarms_basis"] == {
        "Strukturerad bedömning": ["50 %", "33 %", "1", "1"],
        "Utan strukturerad bedömning": ["100 %", "67 %", "2", "2"],
    }
