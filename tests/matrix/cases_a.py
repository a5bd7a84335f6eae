"""Matrix entries for intake, editing, participants, dwellings, journal, handlers, history and
person search (issue 3, part A)."""

from __future__ import annotations

from typing import Any

from cases.models import Participant, SecretDwelling
from tests.matrix import Route, World, case_key, everyone, no_kwargs, restricted_key

# Pages that change a case: the responsible handler and the head. A unit colleague without a
# reason is sent to the case page (302) to state one; with break-the-glass access is
# read-only, so editing is a 404 like for everyone else.
EDIT = everyone(404, handler=200, head=200, colleague=302)
EDIT_POST = everyone(404, handler=302, head=302, colleague=302)
RESTRICTED_EDIT = everyone(404, handler=200, head=200)
POLICE = everyone(404, handler=200, colleague=200, colleague_bg=200, head=200, other_police=200)


def build(world: World) -> None:
    case = world.case
    protected = case.participants.get(role=Participant.Role.PROTECTED)
    actor = case.participants.get(role=Participant.Role.THREAT_ACTOR)
    world.objects["participant"] = actor
    world.objects["person"] = protected.person
    world.objects["dwelling"] = SecretDwelling.objects.create(
        case=case, person=protected.person, description="Jourlägenhet", address="Matrisgatan 1"
    )
    world.objects["police_only_dwelling"] = SecretDwelling.objects.create(
        case=case,
        person=protected.person,
        description="Skyddat boende",
        address="Hemliga gatan 2",
        police_only=True,
    )
    restricted_protected = world.restricted_case.participants.get(role=Participant.Role.PROTECTED)
    world.objects["restricted_person"] = restricted_protected.person


def participant(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "participant_id": world.objects["participant"].pk}


def person(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "person_key": world.objects["person"].key}


def restricted_person(world: World) -> dict[str, Any]:
    return {"key": world.restricted_case.key, "person_key": world.objects["restricted_person"].key}


def other_case_person(world: World) -> dict[str, Any]:
    """A person of another case under this case's key: never reachable that way."""
    return {"key": world.case.key, "person_key": world.objects["restricted_person"].key}


def dwelling(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "dwelling_id": world.objects["dwelling"].pk}


def police_only_dwelling(world: World) -> dict[str, Any]:
    return {"key": world.case.key, "dwelling_id": world.objects["police_only_dwelling"].pk}


ROUTES = [
    Route("cases:create", no_kwargs, POLICE),
    Route("cases:search", no_kwargs, everyone(200), post_only=True),
    Route("cases:edit", case_key, EDIT),
    Route("cases:history", case_key, EDIT),
    # Social services within an active disclosure write in the shared journal too.
    Route(
        "cases:journal_add",
        case_key,
        everyone(404, handler=200, head=200, colleague=302, social=200),
    ),
    Route("cases:participant_add", case_key, EDIT),
    Route("cases:participant_remove", participant, EDIT),
    Route("cases:person_edit", person, EDIT),
    Route("cases:dwelling_add", person, EDIT),
    Route("cases:dwelling_remove", dwelling, EDIT),
    Route("cases:assign_handler", case_key, EDIT_POST, post_only=True),
    Route("cases:unassign_handler", case_key, EDIT_POST, post_only=True),
]

EXTRA = [
    Route("cases:edit", restricted_key, RESTRICTED_EDIT),
    Route("cases:history", restricted_key, RESTRICTED_EDIT),
    Route("cases:person_edit", restricted_person, RESTRICTED_EDIT),
    # The police-only dwelling: only the assigned handler knows it, not even the head.
    Route("cases:dwelling_remove", police_only_dwelling, everyone(404, handler=200, colleague=302)),
    # A person key from another case never opens through this case.
    Route("cases:person_edit", other_case_person, everyone(404, colleague=302)),
]
