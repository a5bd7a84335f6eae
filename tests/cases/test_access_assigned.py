"""cases.access._assigned, the case page's hand-written check of guardian's direct view
permission (issue 16), against ``assigned_cases`` for handlers with and without it."""

from __future__ import annotations

import pytest
from guardian.shortcuts import assign_perm, remove_perm

from cases import access, services
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_statement_answers_as_assigned_cases(handler, colleague, head) -> None:
    mine, assigned_later, change_only, taken_away = (make_case(handler) for _ in range(4))
    services.assign_handler(head, assigned_later, colleague)
    assign_perm(access.CHANGE_PERM, colleague, change_only)  # no view permission: not assigned
    services.assign_handler(head, taken_away, colleague)
    remove_perm(access.VIEW_PERM, colleague, taken_away)
    cases = [mine, assigned_later, change_only, taken_away]
    for user in (handler, colleague, head):
        expected = set(access.assigned_cases(user).values_list("pk", flat=True))
        assert {c.pk for c in cases if access._assigned(user, c)} == expected & {
            c.pk for c in cases
        }
    assert [access._assigned(colleague, c) for c in cases] == [False, True, False, False]
    assert all(access._assigned(handler, c) for c in cases)
