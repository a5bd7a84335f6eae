"""alarms.hooks' hand-written flag statement (issue 16) against the same rule written with
the ORM, over the states a case's loans and alarms can be in."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from alarms import events, hooks, loans
from alarms.models import AlarmEvent, Loan
from cases.models import ProtectionCase
from riskassessment.models import Assessment
from tests.alarms.helpers import device, lend
from tests.factories import make_case
from tests.riskassessment.helpers import final_assessment

pytestmark = pytest.mark.django_db


def orm_flags(case_ids: list[int]) -> dict[int, tuple[bool, bool, bool]]:
    """The rule as the ORM wrote it before the statement: (lent, lent without a structured
    assessment, a real alarm after the latest final assessment or with none)."""
    active = Loan.objects.filter(case=OuterRef("pk"), ended_on__isnull=True)
    latest_final = (
        Assessment.objects.filter(case=OuterRef("loan__case"), status=Assessment.Status.FINAL)
        .order_by("-finalised_at")
        .values("finalised_at")[:1]
    )
    real = AlarmEvent.objects.filter(loan__case=OuterRef("pk"), kind=AlarmEvent.Kind.REAL)
    after = real.annotate(latest=Subquery(latest_final)).filter(
        Q(latest__isnull=True) | Q(latest__lt=F("occurred_at"))
    )
    rows = (
        ProtectionCase.objects.filter(pk__in=case_ids)
        .annotate(
            lent=Exists(active),
            without=Exists(active.filter(without_assessment=True)),
            after=Exists(after),
        )
        .values_list("pk", "lent", "without", "after")
    )
    return {pk: (lent, without, after_alarm) for pk, lent, without, after_alarm in rows}


def flags_as_tuples(case_ids: list[int]) -> dict[int, tuple[bool, bool, bool]]:
    flags = hooks.case_flags(case_ids)
    result = {}
    for pk in case_ids:
        mine = flags.get(pk, [])
        result[pk] = (
            any(f.startswith("Larm utlånat") for f in mine),
            "Larm utlånat (utan strukturerad bedömning)" in mine,
            "Ny bedömning efter larm" in mine,
        )
    return result


def _midnight():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def alarm(actor, loan, kind="real", minutes_ago=0):
    return events.record_event(
        actor,
        loan,
        # Never before the local midnight: a loan lent today starts then (the first minutes
        # of the day would otherwise put the alarm before the loan).
        occurred_at=max(timezone.now() - timedelta(minutes=minutes_ago), _midnight()),
        kind=kind,
        outcome="police_on_site" if kind == "real" else "no_need",
    )


def test_the_statement_gives_the_orm_rule_for_every_state(handler, django_assert_num_queries):
    cases = [make_case(handler) for _ in range(9)]
    plain, without, with_assessment, ended, real_no_final, real_then_final = cases[:6]
    final_then_real, test_alarm_only, two_loans = cases[6:]
    lend(handler, without, device(handler))
    lend(
        handler,
        with_assessment,
        device(handler),
        assessment_id=final_assessment(handler, with_assessment).pk,
    )
    loan = lend(handler, ended, device(handler))
    loans.end_loan(handler, loan, expected_version=loan.version, lost=True, note="Tappad")
    alarm(handler, lend(handler, real_no_final, device(handler)))
    alarm(handler, lend(handler, real_then_final, device(handler)), minutes_ago=5)
    final_assessment(handler, real_then_final)
    final_assessment(handler, final_then_real)
    alarm(handler, lend(handler, final_then_real, device(handler)))
    alarm(handler, lend(handler, test_alarm_only, device(handler)), kind="test")
    lend(handler, two_loans, device(handler))
    lend(handler, two_loans, device(handler), assessment_id=final_assessment(handler, two_loans).pk)
    ids = [c.pk for c in cases]
    expected = orm_flags(ids)
    with django_assert_num_queries(1):
        found = flags_as_tuples(ids)
    assert found == expected
    # The states differ, so the comparison above is not between two empty answers.
    assert expected[plain.pk] == (False, False, False)
    assert expected[without.pk] == (True, True, False)
    assert expected[with_assessment.pk] == (True, False, False)
    assert expected[ended.pk] == (False, False, False)
    assert expected[real_no_final.pk] == (True, True, True)
    assert expected[real_then_final.pk][2] is False
    assert expected[final_then_real.pk][2] is True
    assert expected[test_alarm_only.pk][2] is False
    assert expected[two_loans.pk] == (True, True, False)
    for case in cases:
        assert hooks.needs_reassessment(case) is expected[case.pk][2]


def test_no_cases_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert hooks.case_flags([]) == {}
