"""The opening's ``reviewed`` flag (issue 16, cases 0042): true exactly when the opening has a
``BreakGlassReview``, after its one writer (cases.breakglass.review: the review and the flag
in one transaction; a refused or conflicting review changes neither) and after the backfill
on the real schema; the list and the start page's count read it (their figures against a
plain derivation from the reviews are in test_break_glass_list.py)."""

from __future__ import annotations

import pytest

from cases import access, breakglass
from cases.errors import Conflict, NotAllowed
from cases.models import BreakGlassAccess, BreakGlassReview
from tests.cases.helpers import latest_migrations, migrate_to, table_columns
from tests.factories import make_case

REASON = "Skyddspersonen ringde jourtid, ansvarig handläggare nås inte"
COMMENT = "Stämmer med jourrapporten."
BEFORE = ("cases", "0041_case_id_unit_opened")


def flagged() -> set[int]:
    return set(BreakGlassAccess.objects.filter(reviewed=True).values_list("pk", flat=True))


def derived() -> set[int]:
    return set(BreakGlassReview.objects.values_list("grant_id", flat=True))


@pytest.mark.django_db
def test_a_review_flags_its_opening_and_nothing_else(handler, colleague, head) -> None:
    case = make_case(handler)
    first, second = (access.break_the_glass(colleague, case, reason=REASON) for _ in range(2))
    assert flagged() == derived() == set()
    breakglass.review(head, first, comment=COMMENT)
    assert flagged() == derived() == {first.pk}
    assert first.reviewed
    second.refresh_from_db()
    assert not second.reviewed


@pytest.mark.django_db
def test_a_refused_or_second_review_changes_no_flag(
    handler, colleague, head, other_police, unit_b
) -> None:
    ours = access.break_the_glass(colleague, make_case(handler), reason=REASON)
    theirs = access.break_the_glass(
        other_police, make_case(other_police, unit=unit_b), reason=REASON
    )
    with pytest.raises(NotAllowed):
        breakglass.review(head, theirs, comment=COMMENT)  # not the head of its unit
    breakglass.review(head, ours, comment=COMMENT)
    stale = BreakGlassAccess.objects.get(pk=ours.pk)
    with pytest.raises(Conflict):
        breakglass.review(head, stale, comment="En gång till.")
    assert flagged() == derived() == {ours.pk}
    assert BreakGlassReview.objects.get(grant=ours).comment == COMMENT


@pytest.mark.django_db
def test_the_start_pages_count_is_the_openings_without_a_review(handler, colleague, head) -> None:
    grants = [access.break_the_glass(colleague, make_case(handler), reason=REASON) for _ in "abc"]
    breakglass.review(head, grants[1], comment=COMMENT)
    without = breakglass.openings_for_head(head).exclude(pk__in=derived())
    assert breakglass.unreviewed_count(head) == without.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_backfill_sets_the_flag_from_the_reviews(handler, colleague, head) -> None:
    case = make_case(handler)
    grants = [access.break_the_glass(colleague, case, reason=REASON) for _ in range(3)]
    breakglass.review(head, grants[0], comment=COMMENT)
    breakglass.review(head, grants[2], comment=COMMENT)
    try:
        migrate_to([BEFORE])
        assert "reviewed" not in table_columns("cases_breakglassaccess")
    finally:
        migrate_to(latest_migrations())
    assert "reviewed" in table_columns("cases_breakglassaccess")
    assert flagged() == derived() == {grants[0].pk, grants[2].pk}
