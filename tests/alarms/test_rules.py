"""The alarm notification rules: who gets what, the actor of an activation left out, the
activation at once, no device details in any mail, a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alarms import events, rules
from alarms.models import AlarmEvent, Device, Loan
from cases.services.handlers import assign_handler
from notifications.models import DigestRun
from notifications.sweep import sweep
from tests.alarms.helpers import device, lend
from tests.factories import make_case
from tests.notifications.conftest import days, local, today_local

pytestmark = pytest.mark.django_db

TODAY = today_local()
SERIAL, IMEI, SIM, NOTE = "SENTINEL-SN-778", "356938035643809", "46700SENTINEL", "SENTINELNOTE"


def due(rule, now=None) -> set[tuple[int, str]]:
    return {(d.recipient_id, d.subject) for d in rule.due(now or local(TODAY, 6, 30))}


def loan_for(handler, colleague=None, **dates) -> Loan:
    case = make_case(handler)
    if colleague:
        assign_handler(handler, case, colleague)
    loan = lend(handler, case, device(handler))
    if dates:
        dates.setdefault("started_on", TODAY - days(60))
        Loan.objects.filter(pk=loan.pk).update(**dates)
        loan.refresh_from_db()
    return loan


def test_rules_are_registered() -> None:
    from notifications.rules import by_name

    assert {r.name for r in rules.ALARM_RULES} <= set(by_name())


def test_review_due_within_a_week_or_overdue_goes_to_responsible(handler, colleague, head):
    soon = loan_for(handler, review_on=TODAY + days(5))
    late = loan_for(handler, review_on=TODAY - days(2))
    loan_for(handler, review_on=TODAY + days(20))  # not yet
    items = list(rules.LoanReviewDue().due(local(TODAY)))
    assert {(d.recipient_id, d.subject) for d in items} == {
        (handler.pk, f"loan:{soon.pk}"),
        (handler.pk, f"loan:{late.pk}"),
    }
    overdue = {d.subject: d.params["overdue"] for d in items}
    assert overdue == {f"loan:{soon.pk}": False, f"loan:{late.pk}": True}


def test_not_returned_goes_to_responsible(handler, colleague):
    late = loan_for(handler, colleague, return_by=TODAY - days(1), review_on=TODAY + days(30))
    loan_for(handler, return_by=TODAY + days(3), review_on=TODAY + days(30))
    assert due(rules.LoanNotReturned()) == {
        (handler.pk, f"loan:{late.pk}"),
        (colleague.pk, f"loan:{late.pk}"),
    }


def test_one_users_items_are_their_share_of_everyones(handler, colleague):
    """The start page asks for one user's items (``user_ids``), which reads only the loans
    of that user's cases: the same items as everyone's, kept to that user's."""
    loan_for(handler, colleague, return_by=TODAY - days(1), review_on=TODAY + days(3))
    loan_for(handler, return_by=TODAY - days(2), review_on=TODAY - days(1))
    loan_for(handler, return_by=TODAY + days(9), review_on=TODAY + days(30))  # neither
    now = local(TODAY, 6, 30)
    for rule in (rules.LoanNotReturned(), rules.LoanReviewDue()):
        everyone = due(rule, now)
        for user in (handler, colleague):
            mine = {(d.recipient_id, d.subject) for d in rule.due(now, user_ids=[user.pk])}
            assert mine and mine == {item for item in everyone if item[0] == user.pk}
    assert len(due(rules.LoanNotReturned(), now)) == 3  # the handler's two, the colleague's one


def test_overdue_checks_go_to_the_unit_handlers_not_the_head(
    handler, colleague, head, other_police
):
    device(handler, ready=False)
    device(handler, ready=False)
    device(handler)  # ready
    device(other_police)  # ready, unit B
    items = list(rules.DeviceChecksOverdue().due(local(TODAY)))
    assert {d.recipient_id for d in items} == {handler.pk, colleague.pk}
    assert {d.params["count"] for d in items} == {2} and {d.case_id for d in items} == {None}


def _activation(actor, loan, kind=AlarmEvent.Kind.REAL) -> AlarmEvent:
    return events.record_event(
        actor,
        loan,
        # Never before the local midnight, where a loan lent today starts.
        occurred_at=max(
            timezone.now() - timedelta(minutes=5),
            timezone.make_aware(datetime.combine(timezone.localdate(), time.min)),
        ),
        kind=kind,
        outcome=AlarmEvent.Outcome.POLICE_ON_SITE,
        note=NOTE,
    )


def test_activation_goes_to_responsible_but_not_its_recorder(handler, colleague, head):
    loan = loan_for(handler, colleague)
    event = _activation(colleague, loan)
    _activation(colleague, loan, AlarmEvent.Kind.TEST)
    items = list(rules.AlarmActivation().due(timezone.now()))
    assert {(d.recipient_id, d.actor_id) for d in items} == {
        (handler.pk, colleague.pk),
        (colleague.pk, colleague.pk),
    }
    assert {d.subject for d in items} == {f"alarm:{event.pk}"}
    DigestRun.objects.bulk_create([DigestRun(day=TODAY - days(1)), DigestRun(day=TODAY)])
    mail.outbox.clear()
    sweep(timezone.now())  # the next sweep, whatever the hour
    alarms = [m.to for m in mail.outbox if "Skarpt larm" in m.body]
    assert alarms == [[handler.email]]
    sweep(timezone.now() + timedelta(minutes=1))
    assert [m.to for m in mail.outbox if "Skarpt larm" in m.body] == alarms  # once


def test_no_device_details_or_notes_in_any_mail(handler, colleague):
    DigestRun.objects.create(day=TODAY - days(1))
    case = make_case(handler)
    assign_handler(handler, case, colleague)
    row = device(handler, imei=IMEI, sim_number=SIM, notes=NOTE)
    Device.objects.filter(pk=row.pk).update(serial=SERIAL)
    loan = lend(handler, case, row)
    _activation(colleague, loan)
    Loan.objects.filter(pk=loan.pk).update(
        started_on=TODAY - days(60), review_on=TODAY - days(1), return_by=TODAY - days(1)
    )
    unchecked = device(handler, ready=False, imei=IMEI + "1", sim_number=SIM + "1", notes=NOTE)
    Device.objects.filter(pk=unchecked.pk).update(serial=SERIAL + "X")
    mail.outbox.clear()
    sweep(local(TODAY, 6, 30) if timezone.now() < local(TODAY, 6, 30) else timezone.now())
    sweep(local(TODAY + days(1), 6, 30))
    assert mail.outbox, "the rules sent nothing"
    bodies = "\n".join(
        f"{m.subject}\n{m.body}\n" + "\n".join(str(a[0]) for a in getattr(m, "alternatives", []))
        for m in mail.outbox
    )
    assert case.reference in bodies and "beredskapskontrolleras" in bodies
    for sentinel in (SERIAL, IMEI, SIM, NOTE, handler.get_full_name(), colleague.get_full_name()):
        assert sentinel not in bodies


@pytest.mark.parametrize("rule", rules.ALARM_RULES, ids=lambda r: r.name)
def test_queries_are_constant(rule, handler, colleague) -> None:
    def run() -> int:
        with CaptureQueriesContext(connection) as ctx:
            list(rule.due(timezone.now()))
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for _ in range(n):
            loan = loan_for(handler, colleague)
            _activation(handler, loan)
            Loan.objects.filter(pk=loan.pk).update(
                started_on=TODAY - days(60), review_on=TODAY - days(1), return_by=TODAY - days(1)
            )
            device(handler, ready=False)

    add(1)
    small = run()
    add(4)
    assert run() == small
    assert len(list(rule.due(timezone.now()))) >= 2
