"""The case list's "Ansvarig" filter takes its choices from the cache while no membership or
user has changed (cases.services.handlers.filter_handler_choices), and reads them anew
after any change that can alter them – never the stale list after a commit."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from cases import services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _choices(units: list[int]) -> list[tuple[int, str]]:
    return services.filter_handler_choices(units)


def test_the_second_list_takes_the_choices_from_the_cache(
    handler, colleague, head, unit_a, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        first = _choices([unit_a.pk])
    assert first == services.unit_handler_choices([unit_a.pk])
    assert {pk for pk, _name in first} == {handler.pk, colleague.pk, head.pk}
    with django_assert_num_queries(0):
        assert _choices([unit_a.pk]) == first


def test_each_set_of_units_has_its_own_choices(handler, other_police, unit_a, unit_b) -> None:
    assert [pk for pk, _n in _choices([unit_a.pk])] == [handler.pk]
    assert [pk for pk, _n in _choices([unit_b.pk])] == [other_police.pk]
    assert {pk for pk, _n in _choices([unit_b.pk, unit_a.pk])} == {handler.pk, other_police.pk}
    assert _choices([]) == []


def test_a_new_member_a_renamed_and_a_deactivated_user_show_after_the_commit(
    handler, colleague, unit_a, django_capture_on_commit_callbacks
) -> None:
    _choices([unit_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = MembershipFactory(
            organisation=unit_a, user=UserFactory(full_name="Ny Kollega")
        ).user
    assert (newcomer.pk, "Ny Kollega") in _choices([unit_a.pk])

    with django_capture_on_commit_callbacks(execute=True):
        colleague.full_name = "Omdöpt Kollega"
        colleague.save(update_fields=["full_name"])
    assert (colleague.pk, "Omdöpt Kollega") in _choices([unit_a.pk])

    with django_capture_on_commit_callbacks(execute=True):
        handler.is_active = False
        handler.save()
    assert handler.pk not in {pk for pk, _n in _choices([unit_a.pk])}


def test_a_membership_ended_or_deleted_leaves_the_choices(
    colleague, head, unit_a, django_capture_on_commit_callbacks
) -> None:
    _choices([unit_a.pk])
    membership = Membership.objects.get(user=colleague, organisation=unit_a)
    with django_capture_on_commit_callbacks(execute=True):
        membership.is_active = False  # the membership ended
        membership.save()
    assert colleague.pk not in {pk for pk, _n in _choices([unit_a.pk])}
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(user=head).delete()
    assert _choices([unit_a.pk]) == services.unit_handler_choices([unit_a.pk])
    assert head.pk not in {pk for pk, _n in _choices([unit_a.pk])}


def test_a_change_not_yet_committed_is_not_kept(
    colleague, unit_a, django_capture_on_commit_callbacks
) -> None:
    """The token changes only at the commit: a list read in between the save and the commit
    must not keep its rows under the new token."""
    _choices([unit_a.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        colleague.full_name = "Ännu Inte Sparad"
        colleague.save()
    assert callbacks, "the change schedules the renewal at its commit"
    for callback in callbacks:
        callback()
    assert (colleague.pk, "Ännu Inte Sparad") in _choices([unit_a.pk])


def test_a_login_leaves_the_cached_choices(
    handler, unit_a, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    _choices([unit_a.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        handler.last_login = timezone.now()
        handler.save(update_fields=["last_login"])
    assert callbacks == []
    with django_assert_num_queries(0):
        _choices([unit_a.pk])


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_without_a_cache_the_list_reads_the_database(
    login, head, handler, unit_a, django_capture_on_commit_callbacks
) -> None:
    assert _choices([unit_a.pk]) == services.unit_handler_choices([unit_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        handler.full_name = "Utan Cache"
        handler.save()  # the token cannot be renewed: no error either
    client = login(head)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert "Utan Cache" in response.content.decode()


def test_a_new_user_counts_only_once_a_membership_is_saved(
    unit_a, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user = User.objects.create(email="utan.enhet@polis.test", full_name="Utan Enhet")
    assert callbacks == []  # no membership yet: the choices cannot have changed
    _choices([unit_a.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        MembershipFactory(organisation=unit_a, user=user)
    assert len(callbacks) == 1
    assert (user.pk, "Utan Enhet") in _choices([unit_a.pk])
