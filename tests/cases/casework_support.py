"""Shared by the case-work tests: a case disclosed to social services, URLs, follow-ups."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    FollowUp,
    MeasureKind,
    Participant,
    Party,
    ProtectionCase,
)
from tests.factories import FollowUpFactory

TODAY = timezone.localdate


def url(name: str, case: ProtectionCase, **kwargs: object) -> str:
    return reverse(f"cases:{name}", kwargs={"key": case.key, **kwargs})


def kind(code: str) -> MeasureKind:
    return MeasureKind.objects.get(code=code)


def participants(case: ProtectionCase) -> dict[str, Participant]:
    return {p.role: p for p in case.participants.all()}


def follow_up(case: ProtectionCase, user, *, days: int = 7, party: str = Party.POLICE) -> FollowUp:
    """Planned through the service (tests/factories.py), ``user`` as the assignee. One due
    in the past (``days`` < 0) was planned on its due date, now passed."""
    due = TODAY() + timedelta(days=days)
    with time_machine.travel(min(due, TODAY()), tick=False) if days < 0 else nullcontext():
        return FollowUpFactory(  # type: ignore[no-any-return]
            case=case,
            kind=FollowUp.Kind.CONVERSATION,
            due_date=due,
            assignee=user,
            responsible_party=party,
        )
