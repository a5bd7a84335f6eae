"""accounts.models.active_memberships: one hand-written statement gives the memberships and
organisations the ORM's select_related query gives – every field, booleans as bool, the
organisation cached on its membership – on PostgreSQL and on SQLite alike (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Membership, Organisation, User, active_memberships
from tests.factories import MembershipFactory, OrganisationFactory, SocialServicesFactory

pytestmark = pytest.mark.django_db


def _fields(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def _orm(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("pk")
    )


def test_the_statement_gives_the_orms_memberships_and_organisations(
    handler: User, django_assert_num_queries: Any
) -> None:
    MembershipFactory(
        user=handler,
        organisation=SocialServicesFactory(municipality_code="1983", municipality_name="Köping"),
        role=Membership.Role.HEAD,
    )
    MembershipFactory(user=handler, organisation=OrganisationFactory(is_active=False))
    MembershipFactory(user=handler, is_active=False)  # an ended membership is left out
    MembershipFactory()  # somebody else's
    user = User.objects.get(pk=handler.pk)
    with django_assert_num_queries(1):
        found = active_memberships(user)
        assert active_memberships(user) is found  # once per user object
        organisations = [m.organisation for m in found]  # no query: cached on each
    expected = _orm(handler)
    assert len(found) == 3
    assert [_fields(m) for m in found] == [_fields(m) for m in expected]
    assert [_fields(o) for o in organisations] == [_fields(m.organisation) for m in expected]
    assert [type(o.is_active) for o in organisations] == [bool] * 3
    assert [o.is_active for o in organisations] == [True, True, False]
    assert all(isinstance(o, Organisation) and not o._state.adding for o in organisations)
    assert all(not m._state.adding and m._state.db == "default" for m in found)


def test_a_user_without_memberships_has_none(django_assert_num_queries: Any) -> None:
    user = User.objects.get(pk=MembershipFactory(is_active=False).user.pk)
    with django_assert_num_queries(1):
        assert active_memberships(user) == []
