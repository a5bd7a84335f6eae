"""Matrix entries for the joint protection plan (cases/plan/urls.py).

world.case is disclosed to Köping with the plan in scope (scope_plan is on by default), so the
assigned Köping handler reads and co-signs it; a unit colleague without break-the-glass is
sent to the case page (302); with it, reads only.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, World, case_key, everyone, restricted_key


def build(world: World) -> None:
    from cases.plan import services

    handler = world.users["handler"]
    for case in (world.case, world.restricted_case):
        services.start_version(handler, case)


def version_1(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "number": 1}


def restricted_version_1(world: World) -> dict[str, Any]:
    return {"key": world.restricted_case.key, "number": 1}


READ = everyone(404, handler=200, colleague=302, colleague_bg=200, head=200, social=200)
# Writing: the police unit (assigned handler, head) and social services with the plan in scope.
WRITE = everyone(404, handler=200, colleague=302, head=200, social=200)
POST = everyone(404, handler=302, colleague=302, head=302, social=302)
RESTRICTED = everyone(404, handler=200, head=200)

ROUTES = [
    Route("cases:plan", case_key, READ),
    Route("cases:plan_version", version_1, READ),
    Route("cases:plan_print", version_1, READ),
    Route("cases:plan_pdf", version_1, READ),
    Route("cases:plan_pdf_wait", version_1, READ),
    Route("cases:plan_edit", version_1, WRITE),
    Route("cases:plan_confirm", version_1, WRITE),
    Route("cases:plan_new", case_key, POST, post_only=True),
]

EXTRA = [
    Route("cases:plan", restricted_key, RESTRICTED),
    Route("cases:plan_pdf", restricted_version_1, RESTRICTED),
    Route("cases:plan_pdf_wait", restricted_version_1, RESTRICTED),
    Route("cases:plan_edit", restricted_version_1, RESTRICTED),
]
