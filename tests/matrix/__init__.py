"""The permission matrix: every URL pattern × every persona has an expected outcome.

Each area declares its routes in a module of this package (``tests/matrix/<area>.py``) with
``ROUTES: list[Route]`` and, if its URLs need objects, ``build(world)`` adding them to
``world.objects``. tests/test_permission_matrix.py walks ALL URL patterns and fails when one
has no Route here, or a Route misses a persona.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from cases.models import ProtectionCase

# Personas (fixtures in tests/conftest.py; the world below sets up their access):
PERSONAS = (
    "handler",  # responsible handler of world.case and world.restricted_case
    "colleague",  # unit colleague, no break-the-glass
    "colleague_bg",  # unit colleague who broke the glass on world.case
    "head",  # head of the unit
    "other_police",  # another police unit
    "social",  # Köping handler assigned to the active disclosure of world.case
    "social_withdrawn",  # Köping handler whose disclosure (world.withdrawn_case) was withdrawn
    "social_expired",  # Köping handler whose disclosure (world.expired_case) expired
    "social_other",  # social services of another municipality (Sala)
    "admin",  # system administrator
)


@dataclass
class World:
    users: dict[str, User]
    case: ProtectionCase  # open, handler responsible, disclosed to Köping (all scopes but dwelling)
    restricted_case: ProtectionCase  # restricted, handler responsible
    withdrawn_case: ProtectionCase
    expired_case: ProtectionCase
    objects: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """Expected GET status per persona for one URL name.

    ``kwargs(world)`` gives the URL kwargs. ``post_only`` routes answer GET with 405 for every
    persona (the decorator runs before any lookup, so nothing leaks); ``expect`` is then
    checked with POST of an empty form, where 200/302 mean "allowed" and 404 "no access".
    """

    name: str
    kwargs: Callable[[World], dict[str, Any]]
    expect: dict[str, int]
    post_only: bool = False


def everyone(status: int, **overrides: int) -> dict[str, int]:
    result = dict.fromkeys(PERSONAS, status)
    result.update(overrides)
    return result


def case_key(world: World) -> dict[str, Any]:
    return {"key": world.case.key}


def restricted_key(world: World) -> dict[str, Any]:
    return {"key": world.restricted_case.key}


def no_kwargs(world: World) -> dict[str, Any]:
    return {}
