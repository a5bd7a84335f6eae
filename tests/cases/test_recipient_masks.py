"""Who a recipient sees as "annan mottagare" (cases.recipients.masked_user_ids): decided for
the users the case's rows name in one statement, and for anyone else alone – always the
same answer as the rule over every social-services user (the ORM query below, which the
case page ran before: 2,700 ids on the national data, issue 16)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Organisation
from cases import access, recipients
from cases.casework import services as casework
from cases.models import JournalEntry
from tests.factories import (
    ALL_SCOPES,
    AssessmentFactory,
    SocialServicesFactory,
    UserFactory,
    make_case,
    make_disclosure,
)

pytestmark = pytest.mark.django_db


def _member(org, tag: str, *, active: bool = True):
    user = UserFactory(full_name=f"Person {tag}", email=f"{tag}@kommun.test")
    Membership.objects.create(
        user=user, organisation=org, role=Membership.Role.HANDLER, is_active=active
    )
    return user


def _masked_by_the_old_rule(case_access) -> frozenset[int]:
    own = recipients.own_recipient_ids(case_access)
    return frozenset(
        Membership.objects.filter(organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
        .exclude(organisation_id__in=own)
        .exclude(user__memberships__organisation_id__in=own)
        .values_list("user_id", flat=True)
    )


@pytest.fixture
def world(handler):
    case = make_case(handler)
    org_a, org_b, org_c = (SocialServicesFactory() for _ in range(3))
    reader = _member(org_a, "reader")
    b_author, b_assignee, b_assessor = (_member(org_b, t) for t in ("author", "assignee", "ass"))
    make_disclosure(case, org_a, handlers=[reader], **ALL_SCOPES)
    make_disclosure(case, org_b, handlers=[b_author, b_assignee, b_assessor], **ALL_SCOPES)
    both = _member(org_b, "both")
    Membership.objects.create(user=both, organisation=org_a, role=Membership.Role.HANDLER)
    people = {
        "reader": reader,
        "b_author": b_author,
        "b_assignee": b_assignee,
        "b_assessor": b_assessor,
        "both": both,
        "b_inactive": _member(org_b, "inactive", active=False),
        "c_member": _member(org_c, "c"),
        "a_colleague": _member(org_a, "colleague"),
        "police": handler,
    }
    for author, org in ((b_author, org_b), (both, org_a)):  # the other's note, and the own
        JournalEntry.objects.create(
            case=case,
            author=author,
            author_organisation=org,
            occurred_on=timezone.localdate(),
            visibility=JournalEntry.Visibility.SHARED,
            text="Samtal",
        )
    casework.add_follow_up(
        b_assignee,
        case,
        kind="conversation",
        due_date=timezone.localdate(),
        responsible_party="social",
        assignee=b_assignee,
    )
    AssessmentFactory(case=case, actor=handler)
    assessment = case.assessments.get()
    assessment.assessor = b_assessor
    assessment.save(update_fields=["assessor"])
    return case, people


def _access(user, case):
    return access.get_case_for_user(user, case.key, channel=access.Channel.DETAIL)


def test_the_users_the_case_names_are_decided_in_one_statement(world) -> None:
    case, people = world
    case_access = _access(people["reader"], case)
    oracle = _masked_by_the_old_rule(case_access)
    with CaptureQueriesContext(connection) as first:
        shown = recipients.shown_user(case_access, people["b_author"])
    assert len(first) == 1
    assert shown == "annan mottagare"
    with CaptureQueriesContext(connection) as named:
        for name in ("b_assignee", "b_assessor", "both", "b_author"):
            masked = name != "both"
            expected = "annan mottagare" if masked else people[name].full_name
            assert recipients.shown_user(case_access, people[name]) == expected, name
            assert (people[name].pk in oracle) is masked, name
    assert len(named) == 0  # decided with the first


@pytest.mark.parametrize("first", ["b_author", "c_member", "police"])
def test_every_user_is_shown_as_the_rule_over_all_users_says(world, first) -> None:
    """Asked for in any order – a user the case names or not, the first call or a later
    one – the answer is the rule's; a user the case does not name costs one query."""
    case, people = world
    case_access = _access(people["reader"], case)
    oracle = _masked_by_the_old_rule(case_access)
    assert {people[n].pk for n in ("b_author", "b_inactive", "c_member")} <= oracle
    assert not {people[n].pk for n in ("both", "a_colleague", "police", "reader")} & oracle
    order = [first, *(name for name in people if name != first)]
    for name in order:
        user = people[name]
        with CaptureQueriesContext(connection) as asked:
            shown = recipients.shown_user(case_access, user)
        expected = "annan mottagare" if user.pk in oracle else user.full_name
        assert shown == expected, name
        assert len(asked) <= 1
    # Asked again: nothing more is read.
    with CaptureQueriesContext(connection) as again:
        for user in people.values():
            recipients.shown_user(case_access, user)
    assert len(again) == 0


def test_the_police_see_every_name_without_a_query(world) -> None:
    case, people = world
    case_access = _access(people["police"], case)
    with CaptureQueriesContext(connection) as asked:
        for user in people.values():
            assert recipients.shown_user(case_access, user) == user.full_name
    assert len(asked) == 0


def test_the_case_page_names_the_others_as_annan_mottagare(world, login) -> None:
    from django.urls import reverse

    case, people = world
    page = login(people["reader"]).get(reverse("cases:detail", args=[case.key]))
    text = page.content.decode()
    assert page.status_code == 200
    for name in ("b_author", "b_assignee", "b_assessor"):
        assert people[name].full_name not in text, name
    assert "annan mottagare" in text
    assert people["both"].full_name in text  # the reader's own organisation's note
