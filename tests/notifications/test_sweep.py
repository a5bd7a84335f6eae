"""The outbox sweep: digests once a day, notices once, access re-checked, the actor left
out, preferences honoured, the access log written, leases, back-off and giving up."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from cases import services
from cases.accesschain import verify_chain
from cases.models import AccessLogEntry, Disclosure
from notifications import case_rules, delivery, schedule
from notifications.models import DigestRun, Message, Notification, Preference
from notifications.sweep import sweep
from tests.conftest import verified_login
from tests.factories import UserFactory, make_case, make_disclosure
from tests.notifications.conftest import days, follow_up, local, today_local

pytestmark = pytest.mark.django_db

TODAY = today_local()


@pytest.fixture
def running(db: None) -> None:
    """A system that has been running: yesterday's digests are written."""
    DigestRun.objects.create(day=TODAY - days(1))


def to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_digest_goes_at_0630_local_time_once(running, handler, head) -> None:
    case = make_case(handler)
    follow_up(case, handler, TODAY + days(1))
    sweep(local(TODAY, 6, 29))
    assert mail.outbox == []
    result = sweep(local(TODAY, 6, 30))
    assert result.digests == 1 and len(to(handler)) == 1
    sweep(local(TODAY, 6, 32))
    sweep(local(TODAY, 23, 59))
    assert len(mail.outbox) == 1
    message = Message.objects.get(recipient=handler)
    assert message.status == Message.Status.SENT and message.key == f"digest:{TODAY}"
    assert case.reference in mail.outbox[0].body


def test_a_fresh_install_sends_the_latest_slot_once_then_waits_for_the_next(handler, head) -> None:
    case = make_case(handler)
    follow_up(case, handler, TODAY + days(1))
    sweep(local(TODAY, 5, 0))  # before 06:30: yesterday's slot is caught up, once
    assert DigestRun.objects.get().day == TODAY - days(1)
    assert len(to(handler)) == 1
    sweep(local(TODAY, 5, 2))
    assert len(to(handler)) == 1
    sweep(local(TODAY, 6, 30))
    assert len(to(handler)) == 2


def test_a_stopped_scheduler_catches_up_one_digest_not_three(running, handler) -> None:
    follow_up(make_case(handler), handler, TODAY + days(5))
    sweep(local(TODAY + days(3), 9, 0))
    assert DigestRun.objects.filter(day=TODAY + days(3)).exists()
    assert DigestRun.objects.count() == 2  # yesterday's and the latest


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_notification_once(handler, head) -> None:
    DigestRun.objects.create(day=TODAY - days(1))
    for _ in range(3):
        follow_up(make_case(handler), handler, TODAY - days(9))
    now = local(TODAY, 6, 31)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            sweep(now)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    # The handler's digest (3 follow-ups) and the head's (3 overdue > a week): one each.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([handler.email, head.email])
    assert Message.objects.filter(status=Message.Status.SENT).count() == 2
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 6


def withdraw(head, case, handler, colleague) -> None:
    """The head hands the case over to a colleague: the handler can no longer open it."""
    services.assign_handler(head, case, colleague)
    services.unassign_handler(head, case, handler)


def test_access_withdrawn_after_the_row_was_written_drops_that_item(
    running, handler, head, colleague
) -> None:
    kept, withdrawn = make_case(handler), make_case(handler)
    follow_up(kept, handler, TODAY)
    follow_up(withdrawn, handler, TODAY)
    now = local(TODAY, 6, 30)
    assert schedule.write_digests(now) == 1  # the handler's digest, two items
    withdraw(head, withdrawn, handler, colleague)
    token, batch = delivery.claim(now)
    delivery.deliver(batch, token, now)
    (email,) = to(handler)
    assert kept.reference in email.body and withdrawn.reference not in email.body
    dropped = Notification.objects.get(recipient=handler, case=withdrawn)
    assert dropped.status == Notification.Status.DROPPED


def test_nothing_left_to_say_sends_nothing(running, handler, head, colleague) -> None:
    case = make_case(handler)
    follow_up(case, handler, TODAY)
    now = local(TODAY, 6, 30)
    schedule.write_digests(now)
    withdraw(head, case, handler, colleague)
    sweep(now)
    assert to(handler) == []
    assert Message.objects.get(recipient=handler).status == Message.Status.DROPPED


def test_urgent_notice_goes_at_once_and_only_once(handler, social_head, koping) -> None:
    case = make_case(handler)
    make_disclosure(case, koping)  # no handlers assigned yet
    now = local(TODAY, 14, 0)
    DigestRun.objects.create(day=TODAY)
    sweep(now)
    (notice,) = to(social_head)
    assert case.reference in notice.subject
    assert "väntar på handläggare" in notice.subject
    sweep(now + timedelta(minutes=2))
    sweep(now + days(1))
    assert len(to(social_head)) == 2  # the notice, then the next morning's digest
    assert Message.objects.filter(recipient=social_head, kind="notice").count() == 1


def test_the_person_who_caused_the_event_is_not_told(handler, social_head, koping) -> None:
    case = make_case(handler)
    disclosure = make_disclosure(case, koping)
    Disclosure.objects.filter(pk=disclosure.pk).update(created_by=social_head)
    sweep(local(TODAY, 14, 0))
    assert to(social_head) == []


def test_plan_waiting_goes_to_the_other_partys_handlers_not_to_the_confirmer(
    running, handler, social, koping
) -> None:
    from cases.models import PlanConfirmation, ProtectionPlan

    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    plan = ProtectionPlan.objects.create(case=case, number=1)
    PlanConfirmation.objects.create(
        plan=plan,
        party="police",
        user=handler,
        user_name="x",
        organisation=case.unit,
        organisation_name="x",
        plan_version=1,
    )
    follow_up(case, handler, TODAY + days(30))
    sweep(local(TODAY, 6, 30))
    (email,) = to(social)
    assert case.reference in email.body and "Version 1" in email.body
    assert to(handler) == []


def test_muted_rule_and_digest_off_are_honoured_urgent_is_not_muted(
    running, handler, head, social_head, koping
) -> None:
    case = make_case(handler)
    follow_up(case, handler, TODAY - days(10))
    make_disclosure(case, koping)
    Preference.objects.create(user=head, muted_rules=["followup_overdue_unit"])
    Preference.objects.create(user=social_head, digest=False, muted_rules=["disclosure_waiting"])
    sweep(local(TODAY, 6, 30))
    assert to(head) == []
    assert len(to(handler)) == 1
    (notice,) = to(social_head)  # the urgent notice, not the digest
    assert Message.objects.get(recipient=social_head).kind == "notice"
    assert "väntar på handläggare" in notice.subject


def test_sent_mail_writes_its_case_references_to_the_access_log(running, handler) -> None:
    first, second = make_case(handler), make_case(handler)
    follow_up(first, handler, TODAY)
    follow_up(second, handler, TODAY + days(1))
    sweep(local(TODAY, 6, 30))
    entries = AccessLogEntry.objects.filter(channel=AccessLogEntry.Channel.EMAIL, user=handler)
    assert sorted(entries.values_list("case_reference", flat=True)) == sorted(
        [first.reference, second.reference]
    )
    assert all(entry.granted for entry in entries)
    from cases.accesschain import verify_chain

    report = verify_chain()
    assert report.intact and report.rows == 2, report


def test_a_worker_killed_mid_send_resends_once_after_the_lease(running, handler) -> None:
    follow_up(make_case(handler), handler, TODAY)
    now = local(TODAY, 6, 30)
    schedule.write_digests(now)
    _token, batch = delivery.claim(now)  # ...and the worker dies before sending
    assert len(batch) == 1 and Message.objects.get().status == Message.Status.SENDING
    sweep(now + timedelta(minutes=1))  # the lease still holds: not sent again
    assert mail.outbox == []
    sweep(now + delivery.LEASE + timedelta(minutes=1))
    sweep(now + delivery.LEASE + timedelta(minutes=3))
    assert len(mail.outbox) == 1
    message = Message.objects.get()
    assert message.status == Message.Status.SENT and message.attempts == 2


def test_failures_back_off_then_give_up_and_show_on_the_admin_page(
    running, settings, handler, admin
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    case = make_case(handler)
    follow_up(case, handler, TODAY)
    now = local(TODAY, 6, 30)
    sweep(now)
    message = Message.objects.get()
    assert message.status == Message.Status.PENDING and message.attempts == 1
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert message.last_error == "ConnectionRefusedError"
    sweep(now + timedelta(seconds=30))  # backing off: not tried
    assert Message.objects.get().attempts == 1
    at = now
    for _ in range(delivery.MAX_ATTEMPTS):
        at = Message.objects.get().next_attempt_at
        sweep(at)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == delivery.MAX_ATTEMPTS
    assert Notification.objects.get().status == Notification.Status.PENDING  # nothing lost
    with time_machine.travel(at, tick=False):
        page = verified_login(Client(), admin).get("/admin/notifications/undeliveredmessage/")
    body = page.content.decode()
    assert page.status_code == 200
    assert case.reference in body and "ConnectionRefusedError" in body
    assert handler.email not in body and handler.full_name not in body


def _cases_for(handler, n: int) -> None:
    for _ in range(n):
        follow_up(make_case(handler), handler, TODAY - days(9))


@pytest.mark.parametrize("rule", case_rules.CASE_RULES, ids=lambda rule: rule.name)
def test_each_rule_runs_a_fixed_number_of_queries(rule, handler, head, koping) -> None:
    now = local(TODAY, 6, 30)
    _cases_for(handler, 2)
    with CaptureQueriesContext(connection) as small:
        list(rule.due(now))
    _cases_for(handler, 8)
    other = Membership.objects.create(
        user=UserFactory(),
        organisation=handler.memberships.get().organisation,
        role="handler",
    )
    _cases_for(other.user, 5)
    with CaptureQueriesContext(connection) as large:
        list(rule.due(now))
    assert len(small) == len(large)


def test_delivery_queries_do_not_grow_with_cases_per_recipient(running, handler, head) -> None:
    def run(day_offset: int) -> int:
        now = local(TODAY + days(day_offset), 6, 30)
        schedule.write_digests(now)
        token, batch = delivery.claim(now)
        with CaptureQueriesContext(connection) as queries:
            delivery.deliver(batch, token, now)
        assert len(batch) == 2
        return len(queries)

    _cases_for(handler, 2)
    small = run(0)
    _cases_for(handler, 10)
    large = run(1)
    assert small == large


def test_delivery_queries_do_not_grow_with_recipients_per_batch(running, handler, head) -> None:
    """The access check, the marking and the access log run once per batch (up to
    ``MARK_EVERY`` mails), not once per mail."""
    unit = handler.memberships.get().organisation

    def run(day_offset: int, extra: int) -> tuple[int, int]:
        for _ in range(extra):
            other = Membership.objects.create(
                user=UserFactory(), organisation=unit, role="handler"
            ).user
            follow_up(make_case(other), other, TODAY + days(day_offset))
        now = local(TODAY + days(day_offset), 6, 30)
        schedule.write_digests(now)
        token, batch = delivery.claim(now)
        with CaptureQueriesContext(connection) as queries:
            result = delivery.deliver(batch, token, now)
        assert result.sent == len(batch)
        return len(batch), len(queries)

    _cases_for(handler, 2)
    few, small = run(0, 1)
    many, large = run(1, 6)
    assert many > few + 4 and small == large
    assert verify_chain().intact
