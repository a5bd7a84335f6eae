"""Personas shared by the whole suite.

Who is who (and, once cases exist, what each may see):
- ``handler``      – police handler in unit A; responsible for the cases under test.
- ``colleague``    – police handler in unit A, not assigned: the unit list, a case only by
                     breaking the glass.
- ``head``         – head of unit A: every unit case, assigns handlers, reads the access log.
- ``other_police`` – police handler in unit B: nothing of unit A.
- ``social``       – social-services handler in Köping: a case only while a disclosure to
                     Köping is active, and only within its scope.
- ``social_other`` – social-services handler in another municipality (Sala): nothing.
- ``admin``        – system administrator (staff, superuser): users and reference data,
                     never case data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, User
from tests.factories import MembershipFactory, OrganisationFactory, SocialServicesFactory


@pytest.fixture(scope="session")
def _reference_snapshot(django_db_setup: None, django_db_blocker: Any) -> None:
    """The reference data as the migrations left it, serialized once per test process."""
    from tests import reference_data

    with django_db_blocker.unblock():
        reference_data.snapshot()


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """A transactional test's closing flush also empties the tables the data migrations
    filled; with pytest-xdist a later test in the same worker would find them missing.
    They are put back from the session's serialized copy (tests/reference_data.py)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db"} & set(request.fixturenames)
    )
    if not uses_db:
        return
    request.getfixturevalue("_reference_snapshot")
    request.getfixturevalue("_django_db_helper")
    from tests.reference_data import ensure_reference_data

    ensure_reference_data()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Login throttling counts failures per client address in the cache (the real Redis,
    which outlives a test): every test starts with this worker's keys gone."""
    from django.conf import settings
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    client = getattr(cache, "_cache", None)
    if prefix and client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        keys = list(redis.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            redis.delete(*keys)
    else:
        cache.clear()


@pytest.fixture
def unit_a(db: None) -> Organisation:
    return OrganisationFactory(name="PSS Testlän", reference_prefix="PSS-U")


@pytest.fixture
def unit_b(db: None) -> Organisation:
    return OrganisationFactory(name="Brottsofferstöd Annanstans", reference_prefix="BOS-X")


@pytest.fixture
def koping(db: None) -> Organisation:
    return SocialServicesFactory(
        name="Socialtjänsten Köping", municipality_code="1983", municipality_name="Köping"
    )


@pytest.fixture
def sala(db: None) -> Organisation:
    return SocialServicesFactory(
        name="Socialtjänsten Sala", municipality_code="1981", municipality_name="Sala"
    )


@pytest.fixture
def admin_org(db: None) -> Organisation:
    return OrganisationFactory(
        name="Systemförvaltning", kind=Organisation.Kind.ADMINISTRATION, reference_prefix=""
    )


def _member(org: Organisation, role: str, email: str, name: str, **user_kw: object) -> User:
    membership = MembershipFactory(
        organisation=org,
        role=role,
        user__email=email,
        user__full_name=name,
        **{f"user__{k}": v for k, v in user_kw.items()},
    )
    return membership.user


@pytest.fixture
def handler(unit_a: Organisation) -> User:
    return _member(unit_a, Membership.Role.HANDLER, "handler@polis.test", "Hanna Handläggare")


@pytest.fixture
def colleague(unit_a: Organisation) -> User:
    return _member(unit_a, Membership.Role.HANDLER, "colleague@polis.test", "Kalle Kollega")


@pytest.fixture
def head(unit_a: Organisation) -> User:
    return _member(unit_a, Membership.Role.HEAD, "head@polis.test", "Cilla Chef")


@pytest.fixture
def other_police(unit_b: Organisation) -> User:
    return _member(unit_b, Membership.Role.HANDLER, "other@polis.test", "Olle Annan")


@pytest.fixture
def social(koping: Organisation) -> User:
    return _member(koping, Membership.Role.HANDLER, "soc@koping.test", "Sara Socialsekreterare")


@pytest.fixture
def social_head(koping: Organisation) -> User:
    return _member(koping, Membership.Role.HEAD, "sochead@koping.test", "Sune Socialchef")


@pytest.fixture
def social_other(sala: Organisation) -> User:
    return _member(sala, Membership.Role.HANDLER, "soc@sala.test", "Siv Sala")


@pytest.fixture
def admin(admin_org: Organisation) -> User:
    return _member(
        admin_org,
        Membership.Role.ADMIN,
        "admin@skydd.test",
        "Adam Admin",
        is_staff=True,
        is_superuser=True,
    )


def verified_login(client: Client, user: User) -> Client:
    """Log in as if the password and the TOTP steps had both been passed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # As the login's last request leaves it (skydd.middleware.SessionLimitsMiddleware), so
    # that a test's first request does not save the session where later ones don't.
    now = timezone.now().isoformat()
    session["skydd_login_at"] = session["skydd_seen_at"] = now
    session.save()
    return client


@pytest.fixture
def login() -> Callable[[User], Client]:
    """``login(user)`` returns a fresh client logged in with both factors."""

    def _login(user: User) -> Client:
        return verified_login(Client(), user)

    return _login
