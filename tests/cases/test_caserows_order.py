"""The case page's participants and follow-ups are sorted in Python (cases.caserows,
cases.casework.services.reading): the same order as the ORM's ``order_by`` they replace,
with the id deciding where the database would have left equal rows in any order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from cases import access, caserows
from cases.casework.services import follow_ups_for
from cases.models import FollowUp, Participant
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db


def test_participants_come_in_role_order_then_as_they_joined(handler) -> None:
    case = make_case(handler)
    now = timezone.now()
    roles = ["child", "relative", "threat_actor", "child", "relative", "protected", "child"]
    for role in roles:
        Participant.objects.create(case=case, person=PersonFactory(), role=role)
    # Spread the join times, with ties, against the ids' order.
    for n, participant in enumerate(Participant.objects.filter(case=case).order_by("pk")):
        Participant.objects.filter(pk=participant.pk).update(
            created_at=now - timedelta(minutes=(n * 7) % 3)
        )
    expected = list(
        case.participants.order_by(caserows.role_ordering(), "created_at", "pk").values_list(
            "pk", flat=True
        )
    )
    case_access = access.get_case_for_user(handler, case.key, log=False)
    found = [p.pk for p in caserows.participants(case_access)]
    assert found == expected
    assert [p.role for p in caserows.participants(case_access)][:2] == ["protected", "protected"]
    assert len(found) == len(roles) + 2


def test_follow_ups_open_first_by_due_date_then_done_latest_first(handler) -> None:
    case = make_case(handler)
    today = timezone.localdate()
    rows = []
    for due, done in [(5, None), (-3, -1), (2, None), (-3, -1), (5, None), (-9, -4), (0, None)]:
        row = FollowUp.objects.create(
            case=case,
            kind="conversation",
            due_date=today + timedelta(days=due),
            responsible_party="police",
        )
        if done is not None:
            FollowUp.objects.filter(pk=row.pk).update(done_on=today + timedelta(days=done))
        rows.append(row)
    expected = list(
        FollowUp.objects.filter(case=case)
        .order_by(F("done_on").desc(nulls_first=True), "due_date", "pk")
        .values_list("pk", flat=True)
    )
    found = follow_ups_for(case)
    assert [f.pk for f in found] == expected
    assert [f.done_on is None for f in found] == [True] * 4 + [False] * 3
    overdue = {f.pk: f.overdue for f in found}
    assert overdue[rows[1].pk] is False  # done: never overdue
    assert [f.due_today for f in found].count(True) == 1
