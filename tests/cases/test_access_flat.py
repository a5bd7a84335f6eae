"""Issue 16: ``openable_cases`` and ``listable_cases`` fetch the few directly reached case ids
first and filter flat by unit, restriction and those ids. They must answer exactly what the
former nested-subquery implementation answered, for every way into and out of a case. The
former implementation lives on here only, as the expectation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, User
from cases import access, services
from cases.models import BreakGlassAccess, ProtectionCase
from tests.factories import MembershipFactory, make_case, make_disclosure

pytestmark = pytest.mark.django_db
REASON = "Skyddspersonen ringde jourtid och ansvarig handläggare nås inte"


def old_openable(user: User) -> QuerySet[ProtectionCase]:
    """cases.access.openable_cases before issue 16, word for word."""
    q = Q(pk__in=access.assigned_cases(user).values("pk"))
    heads = access.headed_unit_ids(user)
    if heads:
        q |= Q(unit_id__in=heads)
    units = access.police_unit_ids(user)
    if units:
        q |= Q(
            unit_id__in=units,
            restricted=False,
            break_glass__user=user,
            break_glass__expires_at__gt=timezone.now(),
        )
    if access.social_org_ids(user):
        q |= Q(pk__in=access.active_disclosures_for(user).values("case_id"))
    if not (units or access.social_org_ids(user)):
        return ProtectionCase.objects.none()
    return ProtectionCase.objects.filter(q).distinct()


def old_listable(user: User) -> QuerySet[ProtectionCase]:
    """cases.access.listable_cases before issue 16, word for word."""
    units = access.police_unit_ids(user)
    q = Q(pk__in=old_openable(user).values("pk"))
    if units:
        q |= Q(unit_id__in=units, restricted=False)
    return ProtectionCase.objects.filter(q)


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no membership cache carried over


def _ids(qs: QuerySet[ProtectionCase]) -> set[int]:
    return set(qs.values_list("pk", flat=True))


@pytest.fixture
def personas(
    handler, colleague, head, other_police, social, social_head, social_other, admin, koping, sala
):
    """Readers and cases covering every way into and out of a case."""
    unit_a = handler.memberships.get().organisation
    unit_b = other_police.memberships.get().organisation
    plain = make_case(handler)
    restricted = make_case(handler, restricted=True)
    restricted_of_colleague = make_case(colleague, restricted=True)
    glass, expired_glass = make_case(handler), make_case(handler)
    disclosed, unassigned, withdrawn, ended = (make_case(handler) for _ in range(4))
    disclosed_restricted = make_case(handler, restricted=True)
    to_sala = make_case(handler)
    b_case, b_restricted = make_case(other_police), make_case(other_police, restricted=True)
    handed_over = make_case(handler)
    access.break_the_glass(colleague, glass, reason=REASON)
    grant = access.break_the_glass(colleague, expired_glass, reason=REASON)
    BreakGlassAccess.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    # A grant on a restricted case (made restricted afterwards) opens nothing.
    BreakGlassAccess.objects.create(
        case=restricted, user=colleague, reason=REASON, expires_at=timezone.now() + timedelta(1)
    )
    make_disclosure(disclosed, koping, handlers=[social])
    make_disclosure(disclosed_restricted, koping, handlers=[social])
    make_disclosure(unassigned, koping)
    make_disclosure(to_sala, sala, handlers=[social_other])
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
    make_disclosure(b_case, koping, handlers=[social])
    services.assign_handler(head, handed_over, colleague)
    services.unassign_handler(head, handed_over, handler)
    # A handler whose membership ended keeps object permissions but opens nothing.
    former = MembershipFactory(organisation=unit_a).user
    make_case(former, restricted=True)
    Membership.objects.filter(user=former).update(is_active=False)
    inactive_head = MembershipFactory(organisation=koping, role=Membership.Role.HEAD).user
    User.objects.filter(pk=inactive_head.pk).update(is_active=False)
    # A head of unit B who handles in unit A, and is a social-services handler too.
    many_hats = MembershipFactory(organisation=unit_b, role=Membership.Role.HEAD).user
    MembershipFactory(user=many_hats, organisation=unit_a)
    MembershipFactory(user=many_hats, organisation=koping)
    services.assign_handler(head, restricted_of_colleague, many_hats)
    access.break_the_glass(many_hats, plain, reason=REASON)
    # Staff with a unit membership reads nothing.
    staff = MembershipFactory(organisation=unit_a, role=Membership.Role.HEAD).user
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    users = [handler, colleague, head, other_police, social, social_head, social_other, admin]
    cases = {"restricted": restricted, "b_restricted": b_restricted, "disclosed": disclosed}
    return [*users, former, inactive_head, many_hats, staff], cases


def test_flat_querysets_answer_exactly_what_the_nested_ones_did(personas) -> None:
    users, _cases = personas
    seen_open, seen_list = set(), set()
    for user in users:
        expected_open, expected_list = (
            _ids(old_openable(_fresh(user))),
            _ids(old_listable(_fresh(user))),
        )
        assert _ids(access.openable_cases(_fresh(user))) == expected_open, user.email
        assert _ids(access.listable_cases(_fresh(user))) == expected_list, user.email
        # Filters and slicing compose as before (the views filter, count and page).
        fresh = _fresh(user)
        assert access.listable_cases(fresh).filter(restricted=True).count() == len(
            _ids(old_listable(fresh).filter(restricted=True))
        )
        seen_open.add(frozenset(expected_open))
        seen_list.add(frozenset(expected_list))
    assert len(seen_open) >= 8 and len(seen_list) >= 8  # the personas differ


def test_flat_querysets_hold_the_rules_case_by_case(personas) -> None:
    users, cases = personas
    by_email = {u.email: _fresh(u) for u in users}
    colleague, social = by_email["colleague@polis.test"], by_email["soc@koping.test"]
    assert cases["restricted"] not in access.listable_cases(colleague)
    assert cases["restricted"] in access.listable_cases(by_email["head@polis.test"])
    assert cases["b_restricted"] not in access.listable_cases(by_email["handler@polis.test"])
    assert cases["disclosed"] in access.openable_cases(social)
    assert not access.listable_cases(by_email["admin@skydd.test"]).exists()


def test_no_join_no_distinct_no_nested_select_in_the_case_list_query(personas) -> None:
    users, _cases = personas
    for user in users:
        for qs in (access.openable_cases(_fresh(user)), access.listable_cases(_fresh(user))):
            if not qs.query.is_empty():
                sql = str(qs.query).upper()
                assert "JOIN" not in sql and "DISTINCT" not in sql and "SELECT" not in sql[7:]


def test_the_reached_ids_are_one_query(personas) -> None:
    users, _cases = personas
    for user in users:
        user = _fresh(user)
        access.police_unit_ids(user)  # the membership cache
        with CaptureQueriesContext(connection) as ctx:
            access.listable_cases(user)
        assert len(ctx.captured_queries) <= 1
