"""cases.rowfacts' one statement (issue 16) against the same facts read with the ORM: the
protection levels of the people a case protects, its next open follow-up and its
responsible handlers' names."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from django.db.models import Min
from django.utils import timezone

from cases import listing, rowfacts
from cases.models import FollowUp, Participant, Person, ProtectionCaseUserObjectPermission
from tests.cases.helpers import make_responsible
from tests.factories import FollowUpFactory, PersonFactory, make_case

pytestmark = pytest.mark.django_db


def orm_facts(ids: list[int]) -> tuple[dict, dict, dict]:
    protections: dict[int, list[str]] = defaultdict(list)
    for case_id, level in (
        Participant.objects.filter(case_id__in=ids)
        .exclude(role=Participant.Role.THREAT_ACTOR)
        .exclude(person__protection=Person.Protection.NONE)
        .values_list("case_id", "person__protection")
    ):
        protections[case_id].append(level)
    due = dict(
        FollowUp.objects.open()
        .filter(case_id__in=ids)
        .values("case_id")
        .annotate(due=Min("due_date"))
        .values_list("case_id", "due")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for case_id, name in (
        ProtectionCaseUserObjectPermission.objects.filter(
            content_object_id__in=ids, permission__codename="change_protectioncase"
        )
        .order_by("user__full_name")
        .values_list("content_object_id", "user__full_name")
    ):
        names[case_id].append(name)
    return (
        {k: sorted(v) for k, v in protections.items()},
        due,
        dict(names),
    )


def test_one_statement_gives_what_the_orm_reads(
    handler, colleague, head, django_assert_num_queries
):
    today = timezone.localdate()
    cases = [make_case(handler) for _ in range(4)]
    plain, protected, followed, shared = cases
    Participant.objects.create(
        case=protected,
        person=PersonFactory(protection=Person.Protection.FINGERADE),
        role=Participant.Role.CHILD,
    )
    Participant.objects.create(
        case=protected,
        person=PersonFactory(protection=Person.Protection.SEKRETESSMARKERING),
        role=Participant.Role.RELATIVE,
    )
    # A threat actor's protection is not the case's.
    Participant.objects.create(
        case=plain,
        person=PersonFactory(protection=Person.Protection.SKYDDAD_FOLKBOKFORING),
        role=Participant.Role.THREAT_ACTOR,
    )
    FollowUpFactory(case=followed, due_date=today + timedelta(days=9))
    FollowUpFactory(case=followed, due_date=today + timedelta(days=3))
    done = FollowUpFactory(case=followed, due_date=today + timedelta(days=1))
    FollowUp.objects.filter(pk=done.pk).update(done_on=today)
    make_responsible(colleague, [shared])
    make_responsible(head, [shared])
    ids = [c.pk for c in cases]
    with django_assert_num_queries(1):
        facts = rowfacts.row_facts(ids, names=True)
    protections, due, names = orm_facts(ids)
    assert {k: sorted(v) for k, v in facts.protections.items()} == protections
    assert facts.next_due == due
    assert dict(facts.names) == names
    # Not two empty answers: each part has something to compare.
    assert sorted(protections[protected.pk]) == ["fingerade", "sekretessmarkering"]
    assert plain.pk not in protections
    assert due == {followed.pk: today + timedelta(days=3)}
    assert names[shared.pk] == sorted(["Cilla Chef", "Hanna Handläggare", "Kalle Kollega"])
    # Without names, the statement has no names part.
    with django_assert_num_queries(1):
        assert dict(rowfacts.row_facts(ids).names) == {}


def test_the_list_summary_shows_the_strongest_level(handler):
    case = make_case(handler)
    for level in (Person.Protection.SEKRETESSMARKERING, Person.Protection.FINGERADE):
        Participant.objects.create(
            case=case, person=PersonFactory(protection=level), role=Participant.Role.RELATIVE
        )
    [row] = listing.summarise(handler, [case], responsible_names=True)
    assert row.summary.protection == Person.Protection.FINGERADE
    assert row.responsible_names == ["Hanna Handläggare"]


def test_no_cases_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        facts = rowfacts.row_facts([], names=True)
    assert not facts.protections and not facts.next_due and not facts.names
