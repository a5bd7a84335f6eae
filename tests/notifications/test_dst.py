"""Across the daylight-saving changes (2026-10-25, 2027-03-28): exactly one digest per
user per day, sent at 06:30 Stockholm time, with beat waking the sweep every few minutes."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from notifications.models import DigestRun, Message
from notifications.sweep import sweep
from tests.factories import make_case
from tests.notifications.conftest import STOCKHOLM, follow_up

pytestmark = pytest.mark.django_db

STEP = timedelta(minutes=20)


@pytest.mark.parametrize("change", [date(2026, 10, 25), date(2027, 3, 28)])
def test_one_digest_per_user_per_day_at_0630_local_across_dst(change, handler, head) -> None:
    first_day = change - timedelta(days=1)
    DigestRun.objects.create(day=first_day - timedelta(days=1))  # a running system
    start = datetime(first_day.year, first_day.month, first_day.day, 0, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(start - timedelta(days=20), tick=False):
        case = make_case(handler)
    # Due throughout: overdue by more than a week, so both the handler and the head.
    follow_up(case, handler, first_day - timedelta(days=10))
    at = start
    end = start + timedelta(days=3)
    while at < end:
        with time_machine.travel(at, tick=False):
            sweep()
        at += STEP  # absolute time: 20 real minutes, also across the changed hour
    sent = Message.objects.filter(status=Message.Status.SENT).order_by("sent_at")
    per_user_day = Counter((m.recipient_id, m.sent_at.astimezone(STOCKHOLM).date()) for m in sent)
    days = [first_day + timedelta(days=n) for n in range(3)]
    assert per_user_day == {(user.pk, day): 1 for user in (handler, head) for day in days}
    for message in sent:
        local = message.sent_at.astimezone(STOCKHOLM)
        assert (local.hour, local.minute) >= (6, 30)
        assert local - local.replace(hour=6, minute=30, second=0, microsecond=0) < STEP
    assert len(mail.outbox) == 6
    assert sorted(DigestRun.objects.values_list("day", flat=True))[1:] == days
