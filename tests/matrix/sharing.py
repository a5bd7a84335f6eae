"""Matrix entries for disclosures, break-the-glass and the access-log pages (cases/sharing)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, World, case_key, everyone, no_kwargs, restricted_key


def build(world: World) -> None:
    # The world's first disclosures (others may add more to the same cases later).
    world.objects["disclosure"] = world.case.disclosures.order_by("pk").first()
    world.objects["withdrawn_disclosure"] = world.withdrawn_case.disclosures.order_by("pk").first()
    world.objects["break_glass"] = world.case.break_glass.order_by("pk").first()


def disclosure_kwargs(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "pk": world.objects["disclosure"].pk}


def break_glass_kwargs(world: World) -> dict[str, Any]:
    return {"pk": world.objects["break_glass"].pk}


def withdrawn_disclosure_kwargs(world: World) -> dict[str, Any]:
    return {"key": world.withdrawn_case.key, "pk": world.objects["withdrawn_disclosure"].pk}


# Police who may edit (responsible handler, head); the colleague without break-the-glass is
# sent to the case page to state a reason (302); break-the-glass gives read-only access.
POLICE_EDIT = everyone(404, handler=200, head=200, colleague=302)
# The recipient's head only (not a persona here: tests/cases/test_sharing_views.py).
SOCIAL_HEAD_ONLY = everyone(404, colleague=302)
SOCIAL_MEMBERS = everyone(
    404, social=200, social_withdrawn=200, social_expired=200, social_other=200
)
MANAGERS = everyone(404, handler=200, head=200)
HEAD_ONLY = everyone(404, head=200)
# POST with an empty reason: the colleague gets the form back with an error (200); those
# who already have access are sent to the case (302); everyone else 404.
BREAK_GLASS = everyone(404, colleague=200, colleague_bg=302, handler=302, head=302)

ROUTES = [
    Route("cases:disclosure_create", case_key, POLICE_EDIT),
    Route("cases:disclosure_withdraw", disclosure_kwargs, POLICE_EDIT),
    Route("cases:disclosure_handlers", disclosure_kwargs, SOCIAL_HEAD_ONLY),
    Route("cases:break_glass", case_key, BREAK_GLASS, post_only=True),
    Route("cases:access_log", case_key, MANAGERS),
    Route("cases:shared_cases", no_kwargs, SOCIAL_MEMBERS),
    Route("cases:access_report", no_kwargs, HEAD_ONLY),
    Route("cases:break_glass_list", no_kwargs, HEAD_ONLY),
    Route("cases:break_glass_review", break_glass_kwargs, HEAD_ONLY),
]

EXTRA = [
    # A restricted case: nobody breaks the glass, not even a unit colleague.
    Route("cases:break_glass", restricted_key, everyone(404, handler=302, head=302), True),
    Route("cases:disclosure_create", restricted_key, everyone(404, handler=200, head=200)),
    Route("cases:access_log", restricted_key, MANAGERS),
    # Withdrawn already: police editors are sent back to the case page.
    Route(
        "cases:disclosure_withdraw",
        withdrawn_disclosure_kwargs,
        everyone(404, handler=302, head=302, colleague=302, colleague_bg=302),
    ),
]
