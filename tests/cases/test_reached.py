"""``cases.reached``: the cases a user reaches one by one, as one hand-written statement
(issue 16). Its rows must be exactly those of the ORM union ``cases.access._reached`` built
before, kept here as the expectation, for every way into and out of a case."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, IntegerField, QuerySet, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from cases import access, reached
from cases.models import BreakGlassAccess, ProtectionCase, ProtectionCaseUserObjectPermission
from cases.models.disclosure import SCOPE_FIELDS
from tests.cases.test_access_flat import _fresh, personas  # noqa: F401 – the fixture
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db
NAMES = sorted(SCOPE_FIELDS)


def old_rows(user: User) -> set[tuple[Any, ...]]:
    """cases.access._reached's ORM union before the statement, word for word."""
    units = access.police_unit_ids(user)
    parts: list[QuerySet[Any, tuple[Any, ...]]] = []
    case_columns = ("case_id", "case__unit_id", "case__restricted")
    no_case = {"no_unit": Value(None, IntegerField()), "no_restricted": Value(None, BooleanField())}
    if units:
        off = {f"no_{name}": Value(False) for name in (*NAMES, "by_disclosure")}
        perms = ProtectionCaseUserObjectPermission.objects.filter(
            user=user,
            permission__content_type=ContentType.objects.get_for_model(ProtectionCase),
            permission__codename=access.VIEW_PERM.split(".")[1],
            content_object__unit_id__in=units,
        )
        on_case = ("content_object_id", "content_object__unit_id", "content_object__restricted")
        parts.append(perms.annotate(**off).values_list(*on_case, *off))
        grants = BreakGlassAccess.objects.filter(user=user, expires_at__gt=timezone.now())
        grants = grants.filter(case__unit_id__in=units, case__restricted=False)
        parts.append(grants.annotate(**off).values_list(*case_columns, *off))
    if access.social_org_ids(user):
        on = case_columns if units else ("case_id", *no_case)
        disclosures = access.active_disclosures_for(user).order_by()
        disclosures = disclosures.annotate(by_disclosure=Value(True), **no_case)
        parts.append(disclosures.values_list(*on, *NAMES, "by_disclosure"))
    return set(parts[0].union(*parts[1:])) if parts else set()


def new_rows(user: User) -> list[tuple[Any, ...]]:
    return reached.rows(
        user_id=user.pk,
        units=access.police_unit_ids(user),
        social=access.social_org_ids(user),
        social_heads=access.headed_social_org_ids(user),
        names=NAMES,
        now=timezone.now(),
        today=timezone.localdate(),
    )


def test_the_statement_reads_what_the_orm_union_read(
    personas,  # noqa: F811
    handler,
    koping,
    social,
) -> None:
    users, _cases = personas
    # Scopes that differ, and two disclosures of one case with different scopes.
    both = make_case(handler)
    make_disclosure(both, koping, handlers=[social], scope_persons=False)
    make_disclosure(both, koping, handlers=[social], scope_plan=False, scope_risk_full=False)
    make_disclosure(make_case(handler), koping, scope_secret_dwelling=True)
    seen_kinds: set[bool] = set()
    nonempty = 0
    for user in users:
        user = _fresh(user)
        expected = old_rows(user)
        found = new_rows(user)
        assert len(found) == len(set(found)), user.email  # a UNION: no row twice
        assert set(found) == expected, user.email
        nonempty += bool(found)
        seen_kinds |= {row[-1] for row in found}
    assert nonempty >= 6 and seen_kinds == {True, False}


def test_the_answer_of_access_is_built_from_one_statement(personas) -> None:  # noqa: F811
    users, _cases = personas
    for user in users:
        user = _fresh(user)
        access.police_unit_ids(user)  # the membership cache
        with CaptureQueriesContext(connection) as queries:
            access._reached(user)
        assert len(queries) <= 1, user.email
