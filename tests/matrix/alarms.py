"""Matrix entries for alarm equipment (alarms/urls.py).

Device pages: police staff of the owning unit only (handler, colleague – with or without
break-the-glass – and head of unit A); another unit, social services and the administrator
get 404. The inventory and "register a device" exist for every police unit (its own
devices). Loans from world.case follow the case, police readers only: social services (even
with every scope disclosed) get 404 – they see the measure "Skyddslarm/larmtelefon" on the
case instead; the break-the-glass colleague reads but changes nothing.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, World, everyone, no_kwargs

UNIT = everyone(404, handler=200, colleague=200, colleague_bg=200, head=200)
# Every police unit has its own inventory (another unit's shows only its own devices).
ANY_UNIT = {**UNIT, "other_police": 200}
UNIT_POST = everyone(404, handler=302, colleague=302, colleague_bg=302, head=302)
LOAN_READ = everyone(404, handler=200, colleague=302, colleague_bg=200, head=200)
LOAN_EDIT = everyone(404, handler=200, colleague=302, head=200)
LOAN_POST = everyone(404, handler=302, colleague=302, head=302)

SERIAL = "SNTLSERIAL0001"
IMEI = "990000862471854"
SIM = "46701234599"


def build(world: World) -> None:
    from alarms import services
    from tests.alarms.helpers import device, lend

    handler = world.users["handler"]
    lent = device(handler, imei=IMEI, sim_number=SIM)
    services.update_device(
        handler,
        lent,
        expected_version=lent.version,
        serial=SERIAL,
        imei=IMEI,
        sim_number=SIM,
        notes="SNTLDEVICENOTE",
    )
    lent.refresh_from_db()
    world.objects["alarm_loan"] = lend(handler, world.case, lent, reason="SNTLLOANREASON")
    world.objects["alarm_device"] = lent


def sentinels(world: World) -> dict[str, str | None]:
    # Device details are police-internal: never for social services, whatever the scope.
    return dict.fromkeys([SERIAL, IMEI, SIM, "SNTLDEVICENOTE", "SNTLLOANREASON"], None)


def device_key(world: World) -> dict[str, Any]:
    return {"key": world.objects["alarm_device"].key}


def case_key(world: World) -> dict[str, Any]:
    return {"key": world.case.key}


def loan_key(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "loan": world.objects["alarm_loan"].key}


ROUTES = [
    Route("alarms:inventory", no_kwargs, ANY_UNIT),
    Route("alarms:device_add", no_kwargs, ANY_UNIT),
    Route("alarms:device", device_key, UNIT),
    Route("alarms:device_edit", device_key, UNIT),
    Route("alarms:device_check", device_key, UNIT),
    Route("alarms:device_status", device_key, UNIT_POST, post_only=True),
    Route("alarms:loan_new", case_key, LOAN_EDIT),
    Route("alarms:loan", loan_key, LOAN_READ),
    Route("alarms:loan_review", loan_key, LOAN_EDIT),
    Route("alarms:loan_return", loan_key, LOAN_EDIT),
    Route("alarms:loan_lost", loan_key, LOAN_EDIT),
    Route("alarms:loan_event", loan_key, LOAN_EDIT),
    Route("alarms:loan_acknowledge", loan_key, LOAN_POST, post_only=True),
    Route("alarms:loan_receipt", loan_key, LOAN_READ),
]
