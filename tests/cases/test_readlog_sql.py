"""cases.readlog.read_recently's hand-written statement (issue 16) against the ORM's
query it replaced, over the rows that count as a recent read and those that do not."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases import access, readlog
from cases.models import AccessLogEntry
from tests.factories import make_case

pytestmark = pytest.mark.django_db
DETAIL, PART, PRINT = (
    AccessLogEntry.Channel.DETAIL,
    AccessLogEntry.Channel.PART,
    AccessLogEntry.Channel.PRINT,
)


def orm(user, case, channel: str, via: str) -> bool:
    if channel not in readlog.WINDOWED_CHANNELS:
        return False
    return AccessLogEntry.objects.filter(
        user=user,
        case=case,
        granted=True,
        via=via,
        channel__in=readlog.WINDOWED_CHANNELS,
        at__gte=timezone.now() - readlog.READ_WINDOW,
    ).exists()


def _all_answers(users, cases) -> list[tuple[bool, bool]]:
    return [
        (readlog.read_recently(u, c, ch, via), orm(u, c, ch, via))
        for u in users
        for c in cases
        for ch in (DETAIL, PART, PRINT)
        for via in ("assigned", "head", "break_glass")
    ]


def test_the_statement_answers_as_the_orm_did(handler, head, colleague) -> None:
    read, denied, other_channel, old, untouched = (make_case(handler) for _ in range(5))
    log = access.record_access
    log(handler, case=read, channel=DETAIL, granted=True, via="assigned")
    log(head, case=read, channel=PART, granted=True, via="head")
    log(handler, case=denied, channel=DETAIL, granted=False, via="assigned")
    log(handler, case=other_channel, channel=PRINT, granted=True, via="assigned")
    with time_machine.travel(timezone.now() - readlog.READ_WINDOW - timedelta(seconds=5)):
        log(handler, case=old, channel=DETAIL, granted=True, via="assigned")
    cases = [read, denied, other_channel, old, untouched]
    answers = _all_answers([handler, head, colleague], cases)
    assert all(new == before for new, before in answers)
    # The rows above make each kind of answer appear: read, and not read for each reason.
    assert readlog.read_recently(handler, read, DETAIL, "assigned")
    assert readlog.read_recently(head, read, DETAIL, "head")
    assert not readlog.read_recently(handler, read, DETAIL, "head")
    assert not readlog.read_recently(handler, denied, DETAIL, "assigned")
    assert not readlog.read_recently(handler, other_channel, DETAIL, "assigned")
    assert not readlog.read_recently(handler, old, DETAIL, "assigned")


def test_a_read_at_the_edge_of_the_window_still_counts(handler) -> None:
    case = make_case(handler)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        access.record_access(handler, case=case, channel=DETAIL, granted=True, via="assigned")
    with time_machine.travel(now + readlog.READ_WINDOW, tick=False):
        assert readlog.read_recently(handler, case, DETAIL, "assigned")
        assert orm(handler, case, DETAIL, "assigned")
