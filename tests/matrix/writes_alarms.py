"""Valid POST data for the alarm and notification routes (the matrix's POST leg, see
tests/matrix/writes.py). Objects: world.objects["alarm_device"], on loan to world.case as
world.objects["alarm_loan"] (tests/matrix/alarms.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.matrix import World

Data = dict[str, Any]


def _today(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _device(world: World) -> Any:
    device = world.objects["alarm_device"]
    device.refresh_from_db()
    return device


def _loan(world: World) -> Any:
    loan = world.objects["alarm_loan"]
    loan.refresh_from_db()
    return loan


def device_add(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from alarms.models import DeviceKind

    membership = world.users[persona].memberships.filter(organisation__kind="police").first()
    return {
        "unit": membership.organisation_id if membership else world.case.unit_id,
        "kind": DeviceKind.objects.get(code="larmtelefon-gps").pk,
        "serial": f"SN-MATRIS-{persona}",
        "imei": "",
        "sim_number": "",
        "notes": "",
    }


def device_edit(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    device = _device(world)
    return {
        "version": device.version,
        "serial": device.serial,
        "imei": device.imei,
        "sim_number": device.sim_number,
        "notes": "Ändrad i matrisen",
    }


def device_check(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from alarms import services

    device = _device(world)
    return {
        **{f"check_{d.pk}": "on" for d in services.active_checks(device.kind)},
        "note": "Kontroll i matrisen",
    }


def return_active_loans(world: World) -> None:
    """Return every alarm on loan from world.case, through the service."""
    from alarms import loans
    from alarms.models import Loan

    for loan in Loan.objects.filter(case=world.case, ended_on__isnull=True):
        loans.end_loan(
            world.users["handler"],
            loan,
            expected_version=loan.version,
            lost=False,
            on=timezone.localdate(),
            returned_charger=True,
            condition="good",
            note="",
        )


def device_status(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from alarms.models import Device

    return_active_loans(world)  # a device on loan changes status only through its loan
    return {"version": _device(world).version, "status": Device.Status.SERVICE}


def loan_new(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from tests.alarms.helpers import device, protected

    free = device(world.users["handler"])  # a ready device of the case's unit, not on loan
    return {
        "device": free.pk,
        "carrier": protected(world.case).pk,
        "started_on": _today(),
        "review_on": "",
        "return_by": "",
        "assessment": "none",
        "reason": "Akut hot i matrisen",
        "decision_maker": world.users["handler"].pk,
    }


def loan_review(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {
        "version": _loan(world).version,
        "review_on": _today(30),
        "return_by": "",
        "assessment": "none",
        "reason": "Fortsatt hot",
        "decision_maker": world.users["handler"].pk,
    }


def loan_return(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {
        "version": _loan(world).version,
        "on": _today(),
        "returned_device": "on",
        "returned_charger": "on",
        "condition": "good",
        "note": "",
    }


def loan_lost(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {"version": _loan(world).version, "on": _today(), "note": "Tappad i matrisen"}


def loan_event(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    # An hour ago, but never before the local midnight: the loan was lent today.
    now = timezone.localtime()
    at = max(now - timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))
    return {
        "occurred_on": at.date().isoformat(),
        "occurred_time": at.strftime("%H:%M"),
        "kind": "test",
        "outcome": "no_need",
        "note": "",
    }


def loan_acknowledge(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {"version": _loan(world).version, "on": _today()}


def preferences(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    return {"digest": "", "language": "sv", "rules": []}


def unsubscribe(world: World, persona: str, kwargs: dict[str, Any]) -> Data:
    from notifications.models import Preference

    # The signed token names the handler; the digest is on, so the POST turns it off.
    Preference.objects.update_or_create(user=world.users["handler"], defaults={"digest": True})
    return {}


WRITES = {
    "alarms:device_add": device_add,
    "alarms:device_edit": device_edit,
    "alarms:device_check": device_check,
    "alarms:device_status": device_status,
    "alarms:loan_new": loan_new,
    "alarms:loan_review": loan_review,
    "alarms:loan_return": loan_return,
    "alarms:loan_lost": loan_lost,
    "alarms:loan_event": loan_event,
    "alarms:loan_acknowledge": loan_acknowledge,
    "notifications:preferences": preferences,
    "notifications:unsubscribe": unsubscribe,
}
# Device pages carry the device's key (not a case's): every police member of the owning unit
# writes there, the colleague without break-the-glass included.
UNIT_STAFF = {"handler", "colleague", "colleague_bg", "head"}
WRITERS = {
    name: UNIT_STAFF
    for name in ("alarms:device_edit", "alarms:device_check", "alarms:device_status")
}
