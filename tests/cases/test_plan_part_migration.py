"""The data migration of issue 10 (cases 0030_sec10_plan_part_copy): the one shared
"Socialtjänsten åtar sig att" text of a plan version becomes a part of each recipient
organisation of that version (disclosed with the plan in scope, or confirmed it); a text no
recipient can be found for is kept in the police's commitments, never lost. Run on the
real schema: back to before the parts, the old column filled, forward again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import PlanConfirmation, PlanPart, ProtectionPlan
from tests.factories import SocialServicesFactory, make_case, make_disclosure

BEFORE = ("cases", "0029_sec10_plan_part")


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_shared_text_becomes_a_part_of_each_recipient(handler, koping, sala) -> None:
    arboga = SocialServicesFactory(name="Socialtjänsten Arboga", municipality_code="1984")
    shared = make_case(handler)
    make_disclosure(shared, koping, scope_plan=True)
    make_disclosure(shared, sala, scope_plan=True)
    make_disclosure(shared, arboga, scope_plan=False)  # not a party to the plan
    orphan = make_case(handler)  # a plan text nobody of social services can own
    plans = {
        "shared": ProtectionPlan.objects.create(case=shared, number=1, police_commitments="P"),
        "orphan": ProtectionPlan.objects.create(case=orphan, number=1, police_commitments="P"),
    }
    PlanConfirmation.objects.create(
        plan=plans["orphan"],
        party="police",
        user=handler,
        user_name="x",
        organisation=orphan.unit,
        organisation_name="x",
        plan_version=1,
    )
    try:
        _migrate([BEFORE])
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_protectionplan SET social_commitments = %s WHERE id IN (%s, %s)",
                ["Gemensam text", plans["shared"].pk, plans["orphan"].pk],
            )
    finally:
        _migrate(_latest())

    parts = dict(
        PlanPart.objects.filter(plan=plans["shared"]).values_list("organisation__name", "text")
    )
    assert parts == {
        "Socialtjänsten Köping": "Gemensam text",
        "Socialtjänsten Sala": "Gemensam text",
    }
    assert not PlanPart.objects.filter(plan=plans["orphan"]).exists()
    plans["orphan"].refresh_from_db()
    assert plans["orphan"].police_commitments.startswith("P\n\n")
    assert plans["orphan"].police_commitments.endswith("Gemensam text")
