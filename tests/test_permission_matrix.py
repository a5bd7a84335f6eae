"""Every URL pattern has an expected outcome for every persona, and gets exactly that."""

from __future__ import annotations

import pkgutil
from datetime import date, timedelta
from importlib import import_module
from types import ModuleType

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import tests.matrix
from cases import access
from tests.conftest import verified_login
from tests.matrix import PERSONAS, Route, World
from tests.urlwalk import walk

# URL names outside the matrix: public, the login steps, the admin (its own tests), i18n.
EXEMPT_PREFIXES = ("admin:",)
EXEMPT_NAMES = {
    "healthz",
    "set_language",
    "accounts:login",
    "accounts:otp",
    "accounts:enrol",
    "accounts:logout",
    "accounts:password_link",
}


def _modules() -> list[ModuleType]:
    return [
        import_module(f"tests.matrix.{info.name}")
        for info in pkgutil.iter_modules(tests.matrix.__path__)
    ]


def _routes() -> list[Route]:
    routes: list[Route] = []
    for module in _modules():
        routes += getattr(module, "ROUTES", [])
        routes += getattr(module, "EXTRA", [])
    return routes


def test_every_url_pattern_has_an_expected_outcome() -> None:
    declared = {route.name for route in _routes()}
    missing = sorted(
        url.name
        for url in walk()
        if url.name not in EXEMPT_NAMES
        and not url.name.startswith(EXEMPT_PREFIXES)
        and url.name not in declared
    )
    assert not missing, f"URL patterns without an expected outcome in tests/matrix: {missing}"


def test_every_route_names_every_persona() -> None:
    for route in _routes():
        assert set(route.expect) == set(PERSONAS), (route.name, set(PERSONAS) ^ set(route.expect))


@pytest.fixture
def world(
    handler, colleague, head, other_police, social, social_other, admin, koping, unit_a
) -> World:
    from accounts.models import Membership
    from tests.factories import UserFactory, make_case, make_disclosure

    def koping_handler(email: str):
        user = UserFactory(email=email)
        Membership.objects.create(user=user, organisation=koping, role=Membership.Role.HANDLER)
        return user

    colleague_bg = UserFactory(email="bg@polis.test")
    Membership.objects.create(user=colleague_bg, organisation=unit_a, role="handler")
    social_withdrawn = koping_handler("withdrawn@koping.test")
    social_expired = koping_handler("expired@koping.test")

    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], scope_risk_full=True)
    restricted = make_case(handler, restricted=True)
    withdrawn_case = make_case(handler)
    disclosure = make_disclosure(withdrawn_case, koping, handlers=[social_withdrawn])
    disclosure.withdrawn_at = timezone.now()
    disclosure.save()
    expired_case = make_case(handler)
    make_disclosure(
        expired_case,
        koping,
        handlers=[social_expired],
        valid_from=date.today() - timedelta(days=60),
        valid_until=date.today() - timedelta(days=1),
    )
    access.break_the_glass(colleague_bg, case, "Matris: akut ärende")

    users = {
        "handler": handler,
        "colleague": colleague,
        "colleague_bg": colleague_bg,
        "head": head,
        "other_police": other_police,
        "social": social,
        "social_withdrawn": social_withdrawn,
        "social_expired": social_expired,
        "social_other": social_other,
        "admin": admin,
    }
    world = World(users, case, restricted, withdrawn_case, expired_case)
    for module in _modules():
        build = getattr(module, "build", None)
        if build:
            build(world)
    return world


@pytest.mark.django_db
def test_each_persona_gets_exactly_the_expected_status(world: World) -> None:
    clients = {name: verified_login(Client(), user) for name, user in world.users.items()}
    failures = []
    for route in _routes():
        path = reverse(route.name, kwargs=route.kwargs(world))
        for persona, expected in route.expect.items():
            client = clients[persona]
            if route.post_only:
                got_get = client.get(path).status_code
                if got_get != 405:
                    failures.append(f"{route.name} GET {persona}: {got_get} != 405")
                status = client.post(path, {}).status_code
                allowed = status in (200, 302)
                if (expected in (200, 302)) != allowed or (expected == 404 and status != 404):
                    failures.append(f"{route.name} POST {persona}: {status} != {expected}")
            else:
                status = client.get(path).status_code
                if status != expected:
                    failures.append(f"{route.name} GET {persona}: {status} != {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_get_only_pages_refuse_other_methods(world: World) -> None:
    client = verified_login(Client(), world.users["handler"])
    for route in _routes():
        if route.post_only:
            continue
        path = reverse(route.name, kwargs=route.kwargs(world))
        status = client.delete(path).status_code
        assert status == 405, (route.name, status)
