"""``access.openable_case_ids_for`` (many readers at once, for the nightly e-mails) answers
exactly what ``access.openable_cases`` answers reader by reader, in a fixed number of
queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, User
from cases import access, services
from cases.models import BreakGlassAccess
from tests.factories import MembershipFactory, make_case, make_disclosure

pytestmark = pytest.mark.django_db


def _fresh(users: list[User]) -> list[User]:
    """New instances: no membership cache carried over from building the data."""
    return list(User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"))


def _one_by_one(users: list[User], case_ids: set[int]) -> dict[int, set[int]]:
    return {
        u.pk: set(access.openable_cases(u).filter(pk__in=case_ids).values_list("pk", flat=True))
        for u in _fresh(users)
    }


@pytest.fixture
def world(handler, colleague, head, other_police, social, social_head, social_other, admin, koping):
    """Cases and readers covering every way in and out of a case."""
    make_case(handler)
    restricted = make_case(handler, restricted=True)
    glass = make_case(handler)
    expired_glass = make_case(handler)
    disclosed = make_case(handler)
    unassigned_disclosure = make_case(handler)
    withdrawn = make_case(handler)
    ended = make_case(handler)
    other_unit = make_case(other_police)
    handed_over = make_case(handler)
    access.break_the_glass(
        colleague, glass, reason="Skyddspersonen ringde jourtid och ansvarig handläggare nås inte"
    )
    grant = access.break_the_glass(
        colleague,
        expired_glass,
        reason="Skyddspersonen ringde jourtid och ansvarig handläggare nås inte",
    )
    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    # A grant on a case made restricted afterwards opens nothing.
    BreakGlassAccess.objects.create(
        case=restricted,
        user=colleague,
        reason="Skyddspersonen ringde jourtid och ansvarig handläggare nås inte",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    make_disclosure(disclosed, koping, handlers=[social])
    make_disclosure(unassigned_disclosure, koping)
    gone = make_disclosure(withdrawn, koping, handlers=[social])
    gone.withdrawn_at = timezone.now()
    gone.save()
    make_disclosure(
        ended,
        koping,
        handlers=[social],
        valid_from=date.today() - timedelta(days=30),
        valid_until=date.today() - timedelta(days=1),
    )
    services.assign_handler(head, handed_over, colleague)
    services.unassign_handler(head, handed_over, handler)
    # A handler whose membership was ended keeps object permissions but opens nothing.
    former = MembershipFactory(organisation=handler.memberships.get().organisation).user
    make_case(former)
    Membership.objects.filter(user=former).update(is_active=False)
    inactive = MembershipFactory(organisation=koping, role=Membership.Role.HEAD).user
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    users = [handler, colleague, head, other_police, social, social_head, social_other, admin]
    return [*users, former, inactive], other_unit


def test_bulk_answer_equals_openable_cases_reader_by_reader(world) -> None:
    from cases.models import ProtectionCase

    users, _other_unit = world
    case_ids = set(ProtectionCase.objects.values_list("pk", flat=True))
    expected = _one_by_one(users, case_ids)
    got = access.openable_case_ids_for(_fresh(users), case_ids)
    assert got == expected
    # The data set exercises every branch: assigned, head, break-the-glass, disclosure.
    by_email = {u.email: expected[u.pk] for u in _fresh(users)}
    assert len(by_email["head@polis.test"]) == 10  # the former handler's case too
    assert len(by_email["handler@polis.test"]) == 8  # not the handed-over case
    assert len(by_email["colleague@polis.test"]) == 2  # the handed-over one and one glass
    assert len(by_email["soc@koping.test"]) == 1
    assert len(by_email["sochead@koping.test"]) == 2
    assert by_email["other@polis.test"] and not by_email["admin@skydd.test"]


def test_bulk_answer_for_a_subset_of_cases(world) -> None:
    users, other_unit = world
    got = access.openable_case_ids_for(_fresh(users), [other_unit.pk])
    assert {pk for pk, ids in got.items() if ids} == {
        u.pk for u in users if u.email == "other@polis.test"
    }


def test_bulk_answer_runs_a_fixed_number_of_queries(world, unit_a) -> None:
    from cases.models import ProtectionCase

    users, _ = world
    case_ids = set(ProtectionCase.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as small:
        access.openable_case_ids_for(_fresh(users), sorted(case_ids)[:2])
    more = [MembershipFactory(organisation=unit_a).user for _ in range(5)]
    for user in more:
        make_case(user)
    case_ids = set(ProtectionCase.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as large:
        access.openable_case_ids_for(_fresh(users + more), case_ids)
    # Independent of the number of readers and cases (a query whose id list is empty is
    # not sent, so the small run may skip one).
    assert len(small) <= len(large) <= 7
