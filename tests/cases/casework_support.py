"""Shared by the case-work tests: a case disclosed to social services, URLs, follow-ups."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import (
    FollowUp,
    MeasureKind,
    Participant,
    Party,
    ProtectionCase,
)

TODAY = timezone.localdate


def url(name: str, case: ProtectionCase, **kwargs: object) -> str:
    return reverse(f"cases:{name}", kwargs={"key": case.key, **kwargs})


def kind(code: str) -> MeasureKind:
    return MeasureKind.objects.get(code=code)


def participants(case: ProtectionCase) -> dict[str, Participant]:
    return {p.role: p for p in case.participants.all()}


def follow_up(case: ProtectionCase, user, *, days: int = 7, party: str = Party.POLICE) -> FollowUp:
    return FollowUp.objects.create(
        case=case,
        kind=FollowUp.Kind.CONVERSATION,
        due_date=TODAY() + timedelta(days=days),
        assignee=user,
        responsible_party=party,
    )
