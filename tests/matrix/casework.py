"""Matrix entries for case work (cases/casework/urls.py).

On world.case (open, disclosed to Köping with measures in scope): police with edit rights
(handler, head) may do everything; the Köping handler reads, and edits only measures and
follow-ups that social services are responsible for; the colleague who broke the glass reads
only; the colleague without it is sent to the case page (302) to state a reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.matrix import Route, World, case_key, everyone, no_kwargs

READ = everyone(404, handler=200, head=200, colleague=302, colleague_bg=200, social=200)
EDIT_POLICE = everyone(404, handler=200, head=200, colleague=302)
EDIT_SOCIAL = everyone(404, handler=200, head=200, colleague=302, social=200)
HEAD_ONLY = everyone(404, head=200, colleague=302)
# A closed case without disclosure: colleagues must break the glass first.
HEAD_ONLY_CLOSED = everyone(404, head=200, colleague=302, colleague_bg=302)


def build(world: World) -> None:
    from cases.models import (
        CaseClosure,
        ContactBan,
        FollowUp,
        Party,
        ProtectionCase,
    )
    from tests.factories import ContactBanFactory, FollowUpFactory, MeasureFactory, make_case

    case = world.case
    handler, social = world.users["handler"], world.users["social"]
    due = timezone.localdate() + timedelta(days=7)
    # Through the services (tests/factories.py), as a user would make them.
    world.objects["measure_police"] = MeasureFactory(case=case, kind="skyddslarm")
    world.objects["measure_social"] = MeasureFactory(
        case=case, kind="ekonomiskt-bistand", responsible_party=Party.SOCIAL
    )
    world.objects["ban"] = ContactBanFactory(case=case, ban_type=ContactBan.BanType.ORDINARY)
    world.objects["follow_up_police"] = FollowUpFactory(
        case=case, kind=FollowUp.Kind.CONVERSATION, due_date=due, assignee=handler
    )
    world.objects["follow_up_social"] = FollowUpFactory(
        case=case,
        kind=FollowUp.Kind.OTHER,
        due_date=due,
        assignee=social,
        responsible_party=Party.SOCIAL,
    )
    closed = make_case(handler)
    ProtectionCase.objects.filter(pk=closed.pk).update(
        status=ProtectionCase.Status.CLOSED, closed_on=timezone.localdate()
    )
    CaseClosure.objects.create(
        case=closed, reason=CaseClosure.Reason.THREAT_GONE, final_note="Matris", closed_by=handler
    )
    world.objects["closed_case"] = closed


def _with(name: str) -> Any:
    def kwargs(world: World) -> dict[str, Any]:
        return {"key": world.case.key, "pk": world.objects[name].pk}

    return kwargs


def closed_key(world: World) -> dict[str, Any]:
    return {"key": world.objects["closed_case"].key}


ROUTES = [
    Route("cases:casework", case_key, READ),
    Route("cases:measure_add", case_key, EDIT_SOCIAL),
    Route("cases:measure_edit", _with("measure_police"), EDIT_POLICE),
    Route("cases:measure_end", _with("measure_police"), EDIT_POLICE, post_only=True),
    Route("cases:measure_decline", _with("measure_police"), EDIT_POLICE, post_only=True),
    Route("cases:contact_ban_add", case_key, EDIT_POLICE),
    Route("cases:contact_ban_edit", _with("ban"), EDIT_POLICE),
    Route("cases:contact_ban_breach_add", _with("ban"), EDIT_POLICE),
    Route("cases:followup_add", case_key, EDIT_SOCIAL),
    Route("cases:followup_edit", _with("follow_up_police"), EDIT_POLICE),
    Route("cases:followup_complete", _with("follow_up_police"), EDIT_POLICE),
    Route("cases:support_info_add", case_key, EDIT_POLICE),
    Route("cases:referral_add", case_key, EDIT_POLICE),
    Route("cases:case_close", case_key, EDIT_POLICE),
    Route("cases:case_reopen", closed_key, HEAD_ONLY_CLOSED),
    Route(
        "cases:closing_note_add",
        closed_key,
        everyone(404, handler=200, head=200, colleague=302, colleague_bg=302),
    ),
    Route("cases:legal_hold", case_key, HEAD_ONLY),
    Route("cases:legal_hold_remove", case_key, HEAD_ONLY, post_only=True),
    Route("cases:todo", no_kwargs, everyone(200)),
]

# Social services edit what social services are responsible for.
EXTRA = [
    Route("cases:measure_edit", _with("measure_social"), EDIT_SOCIAL),
    Route("cases:measure_end", _with("measure_social"), EDIT_SOCIAL, post_only=True),
    Route("cases:measure_decline", _with("measure_social"), EDIT_SOCIAL, post_only=True),
    Route("cases:followup_edit", _with("follow_up_social"), EDIT_SOCIAL),
    Route("cases:followup_complete", _with("follow_up_social"), EDIT_SOCIAL),
]


def sentinels(world: World) -> dict[str, str | None]:
    """Issue 10: a police note on a measure is police-internal unless shared."""
    internal, shared = world.objects["measure_police"], world.objects["measure_social"]
    internal.note, internal.note_shared = "SNTLMEASURENOTEINTERNAL", False
    internal.save(update_fields=["note", "note_shared"])
    shared.note, shared.note_shared = "SNTLMEASURENOTESHARED", True
    shared.save(update_fields=["note", "note_shared"])
    return {"SNTLMEASURENOTEINTERNAL": None, "SNTLMEASURENOTESHARED": "scope_measures"}
