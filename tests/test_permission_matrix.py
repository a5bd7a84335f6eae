"""Every URL pattern has an expected outcome for every persona, and gets exactly that."""

from __future__ import annotations

import pkgutil
from datetime import date, timedelta
from importlib import import_module
from types import ModuleType

import pytest
from django.db import transaction
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
    access.break_the_glass(colleague_bg, case, reason="Matris: akut ärende")

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


def _rows() -> list[tuple[str, str]]:
    """A digest of every row of the apps, in one query (the access log aside: reads are
    logged, granted or not)."""
    from django.apps import apps
    from django.db import connection

    tables = [
        model._meta.db_table
        for app in ("cases", "riskassessment", "guardian", "alarms", "notifications")
        for model in apps.get_app_config(app).get_models()
        if model._meta.label != "cases.AccessLogEntry"
    ]
    sql = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f'FROM "{table}" t'
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall())


def _allowed(route: Route, persona: str, kwargs: dict[str, object]) -> bool:
    """May this persona make the change? On a case, the colleague without break-the-glass
    is sent to state a reason (302): a refusal."""
    from tests.matrix.writes import WRITERS

    expected = route.expect[persona]
    if route.name in WRITERS:
        return persona in WRITERS[route.name] and expected in (200, 302)
    if persona == "colleague" and "key" in kwargs:
        return False
    return expected in (200, 302) if route.post_only else expected == 200


@pytest.mark.django_db
def test_every_post_route_has_valid_data_for_the_write_leg(world: World) -> None:
    from tests.matrix.writes import OWN_TESTS, READ_ONLY_POSTS, WRITES

    client = verified_login(Client(), world.users["handler"])
    posting = set()
    for route in _routes():
        path = reverse(route.name, kwargs=route.kwargs(world))
        with transaction.atomic():
            if client.post(path, {}).status_code != 405:
                posting.add(route.name)
            transaction.set_rollback(True)
    missing = posting - READ_ONLY_POSTS - OWN_TESTS - set(WRITES)
    assert missing == set(), "add POST data to tests/matrix/writes"
    assert set(WRITES) - posting == set()


@pytest.mark.django_db
def test_the_post_leg_proves_the_write(world: World) -> None:
    """For every POST route and persona: allowed means a row changed, refused means nothing
    changed (not only the status code). Each POST runs in a savepoint rolled back after it."""
    from tests.matrix.writes import WRITES

    clients = {name: verified_login(Client(), user) for name, user in world.users.items()}
    failures = []
    for route in _routes():
        if route.name not in WRITES:
            continue
        kwargs = route.kwargs(world)
        path = reverse(route.name, kwargs=kwargs)
        for persona in PERSONAS:
            with transaction.atomic():
                data = WRITES[route.name](world, persona, kwargs)
                before = _rows()
                status = clients[persona].post(path, data).status_code
                changed = _rows() != before
                transaction.set_rollback(True)
            if changed != _allowed(route, persona, kwargs):
                failures.append(
                    f"{route.name} {kwargs} POST {persona}: status {status}, "
                    f"{'changed' if changed else 'nothing changed'}"
                )
    assert not failures, "\n".join(failures)
