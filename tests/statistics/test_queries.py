"""The statistics page costs the same number of queries whatever the number of cases: every
figure is aggregated in SQL (conditional aggregation), never per case in Python."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from cases.models import ProtectionCase
from tests.statistics import alarms_dataset, dataset

pytestmark = pytest.mark.django_db

PAGE = reverse("statistics:page") + "?period=last_month"
# Session, user, OTP device, memberships (one query for scope and menu, issue 16), and one
# query per table or figure group (administrators have no membership query); the idle stamp
# is not saved within a minute of the last (skydd.middleware). Issue 16: the risk section's
# three queries became the instrument list, one per-case query and the reassessments done on
# time; the alarm loans' lending decisions are a query of their own (25 from 24) instead of
# a subquery per loan.
HEAD_QUERIES = 25
ADMIN_QUERIES = 25
SOCIAL_QUERIES = 8


def _more_cases(unit, handler, n: int) -> None:
    for i in range(n):
        c = dataset.case(
            unit,
            date(2026, 3, 1) + timedelta(days=i % 28),
            ProtectionCase.Category.OTHER,
            handler=handler,
        )
        dataset.assessment(c, unit, handler, "SARA_SV", dataset.at(2026, 3, 1 + i % 28))
        lent = date(2026, 2, 1) + timedelta(days=i % 40)
        device = alarms_dataset.device(
            unit, [(dataset.at(2026, 1, 2), "in_store"), (dataset.at(2026, 2, 1), "on_loan")]
        )
        loan = alarms_dataset.loan(
            device, c, lent, lent + timedelta(days=20), assessment=i % 2 == 0, by=handler
        )
        alarms_dataset.alarm(loan, dataset.at(lent.year, lent.month, lent.day, 18))


@pytest.mark.parametrize("extra", [0, 40])
def test_fixed_number_of_queries_at_two_sizes(
    extra,
    unit_a,
    unit_b,
    koping,
    sala,
    handler,
    head,
    social,
    social_head,
    admin,
    login,
    django_assert_num_queries,
) -> None:
    cases = dataset.build(unit_a, unit_b, koping, sala, handler, head, social).cases
    alarms_dataset.build(cases, unit_a, unit_b, handler)
    _more_cases(unit_a, handler, extra)
    clients = {"head": login(head), "admin": login(admin), "social": login(social_head)}
    with time_machine.travel(dataset.TODAY, tick=False):
        for name, expected in (
            ("head", HEAD_QUERIES),
            ("admin", ADMIN_QUERIES),
            ("social", SOCIAL_QUERIES),
        ):
            with django_assert_num_queries(expected):
                assert clients[name].get(PAGE).status_code == 200, name
