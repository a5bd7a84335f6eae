"""Helpers for the alarm tests (plain functions, not fixtures)."""

from __future__ import annotations

from datetime import date
from typing import Any

from accounts.models import Organisation, User
from alarms import loans, services
from alarms.models import Device, DeviceKind, Loan
from cases.models import Participant, ProtectionCase

_serials = iter(range(1, 100_000))


def kind(code: str = "larmtelefon-gps") -> DeviceKind:
    return DeviceKind.objects.get(code=code)


def device(
    actor: User,
    unit: Organisation | None = None,
    *,
    ready: bool = True,
    code: str = "larmtelefon-gps",
    **extra: Any,
) -> Device:
    """A device of the actor's unit, through the services; ``ready`` passes every check."""
    unit = unit or actor.memberships.get().organisation
    row = services.add_device(
        actor, unit=unit, kind=kind(code), serial=f"SN-{next(_serials):05d}", **extra
    )
    if ready:
        services.record_check(actor, row, passed={d.pk for d in services.active_checks(row.kind)})
        row.refresh_from_db()
    return row


def protected(case: ProtectionCase) -> Participant:
    return case.participants.get(role=Participant.Role.PROTECTED)


def lend(actor: User, case: ProtectionCase, row: Device, **kw: Any) -> Loan:
    kw.setdefault("carrier", protected(case))
    kw.setdefault("started_on", date.today())
    if "assessment_id" not in kw:
        kw.setdefault("reason", "Akut hot, bedömning pågår")
    return loans.lend(actor, case, device=row, **kw)
