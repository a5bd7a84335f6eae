"""services.case_page_handlers: the case page's one statement for its responsible handlers
and the unit's handlers it may assign (issue 16), held to ``responsible_handlers`` and
``unit_handler_choices`` over the memberships that count and those that do not."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from cases import services
from tests.factories import MembershipFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db


def _unit_with_every_kind_of_member(unit_a, unit_b, koping) -> None:
    MembershipFactory(organisation=unit_a, user=UserFactory(full_name="Ada Aktiv"))
    MembershipFactory(organisation=unit_a, role=Membership.Role.HEAD)
    MembershipFactory(organisation=unit_a, user=UserFactory(full_name=""))  # the e-mail shows
    MembershipFactory(organisation=unit_a, user=UserFactory(full_name="Ada Aktiv"))  # a namesake
    MembershipFactory(
        organisation=unit_a, user=UserFactory(full_name="Ina Inaktiv", is_active=False)
    )
    MembershipFactory(
        organisation=unit_a, user=UserFactory(full_name="Uno Upphörd"), is_active=False
    )
    MembershipFactory(organisation=unit_b, user=UserFactory(full_name="Bo Annanenhet"))
    MembershipFactory(organisation=koping, user=UserFactory(full_name="Sara Soc"))
    twice = UserFactory(full_name="Två Enheter")  # also in another unit: counted once
    MembershipFactory(organisation=unit_a, user=twice)
    MembershipFactory(organisation=unit_b, user=twice, role=Membership.Role.HEAD)


def test_the_statement_reads_what_the_two_functions_read(
    handler, colleague, head, unit_a, unit_b, koping
) -> None:
    _unit_with_every_kind_of_member(unit_a, unit_b, koping)
    case = make_case(handler)
    services.assign_handler(head, case, colleague)
    responsible = services.responsible_handlers(case)
    expected = services.unit_handler_choices([unit_a.pk], leave_out=responsible)
    found, candidates = services.case_page_handlers(case, [unit_a.pk])
    assert [(h.pk, h.full_name) for h in found] == [(u.pk, u.full_name) for u in responsible]
    assert len(found) == 2
    # Namesakes may come in either order from the ORM (it sorts by name only).
    assert sorted(candidates) == sorted(expected)
    assert [name for _pk, name in candidates] == [name for _pk, name in expected]
    assert len(candidates) == 6


def test_without_units_only_the_responsible_handlers(handler, unit_a, django_assert_num_queries):
    case = make_case(handler)
    with django_assert_num_queries(1):
        found, candidates = services.case_page_handlers(case, None)
    assert [h.pk for h in found] == [handler.pk]
    assert candidates == []


def test_the_assign_select_follows_a_committed_change_of_the_units_handlers(
    login, head, handler, unit_a, django_capture_on_commit_callbacks
) -> None:
    """The case page's "Tilldela" select takes the case list's cached choices: a handler who
    joins the unit, or leaves it, shows there once the change is committed."""
    case = make_case(handler)
    client = login(head)
    url = reverse("cases:detail", args=[case.key])

    def offered() -> set[str]:
        page = client.get(url).content.decode()
        select = page[page.index('name="handler"') : page.index("</select>")]
        return set(re.findall(r'<option value="(\d+)"', select))

    assert offered() == {str(head.pk)}  # the responsible handler is not offered
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = MembershipFactory(organisation=unit_a, user=UserFactory(full_name="Ny")).user
    assert offered() == {str(head.pk), str(newcomer.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.is_active = False
        newcomer.save()
    assert offered() == {str(head.pk)}
