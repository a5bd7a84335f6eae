"""The reminder rules and the start page's preview at a unit's scale (issue 16): the same
items as before with the faster queries, and a preview that lists the first entries of a
group and counts them all."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import ProtectionCase
from notifications.case_rules import DisclosureEnding
from notifications.content import PREVIEW_LIMIT
from tests.factories import make_case, make_disclosure
from tests.notifications.conftest import days, follow_up, today_local

pytestmark = pytest.mark.django_db


def test_disclosure_ending_takes_exactly_the_active_ones_ending_within_a_week(
    handler, koping, social_head
) -> None:
    today = today_local()
    now = timezone.make_aware(datetime.combine(today, time(6, 30)))
    expected = {
        make_disclosure(make_case(handler), koping, valid_until=today).pk,
        make_disclosure(make_case(handler), koping, valid_until=today + days(7)).pk,
        make_disclosure(
            make_case(handler), koping, valid_from=today - days(30), valid_until=today + days(3)
        ).pk,
    }
    make_disclosure(make_case(handler), koping, valid_until=today + days(8))  # later
    make_disclosure(make_case(handler), koping)  # no end date
    make_disclosure(  # already ended
        make_case(handler), koping, valid_from=today - days(30), valid_until=today - days(1)
    )
    make_disclosure(  # not yet valid
        make_case(handler), koping, valid_from=today + days(1), valid_until=today + days(5)
    )
    withdrawn = make_disclosure(make_case(handler), koping, valid_until=today + days(2))
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    closed = make_case(handler)
    make_disclosure(closed, koping, valid_until=today + days(2))
    ProtectionCase.objects.filter(pk=closed.pk).update(status=ProtectionCase.Status.CLOSED)

    found = {int(due.subject.split(":")[1]) for due in DisclosureEnding().due(now)}
    assert found == expected
    # The social-services head of the recipient is told of each, the handler of the case too.
    for_head = {due.subject for due in DisclosureEnding().due(now, user_ids=[social_head.pk])}
    assert for_head == {f"disclosure:{pk}" for pk in expected}


def test_the_start_page_lists_the_first_entries_of_a_group_and_counts_them_all(
    login, handler, head
) -> None:
    cases = [make_case(handler) for _ in range(PREVIEW_LIMIT + 3)]
    for case in cases:
        follow_up(case, handler, timezone.localdate() - days(9))
    body = login(head).get(reverse("core:overview")).content.decode()
    preview = body.split('id="digest-heading"')[1]
    total = PREVIEW_LIMIT + 3
    assert f"Uppföljningar i enheten som är mer än en vecka försenade ({total})" in preview
    assert f"Visar de {PREVIEW_LIMIT} första av {total}." in preview
    section = preview.split('id="digest-followup_overdue_unit"')[1].split("</ul>")[0]
    listed = [c.reference for c in cases if c.reference in section]
    assert listed == sorted(c.reference for c in cases)[:PREVIEW_LIMIT]
    # A group within the limit says nothing of the kind.
    assert preview.count("Visar de") == 1


def test_a_head_counts_only_unreviewed_openings(login, head, colleague, handler) -> None:
    from cases import access, breakglass

    first, second = make_case(handler), make_case(handler)
    access.break_the_glass(colleague, first, reason="Akut – skyddspersonen ringde jourtid")
    access.break_the_glass(colleague, second, reason="Akut – skyddspersonen ringde igen")
    assert breakglass.unreviewed_count(head) == 2
    grant = breakglass.openings_for_head(head).get(case=first)
    breakglass.review(head, grant, comment="Granskad: befogad, jourtid.")
    assert breakglass.unreviewed_count(head) == 1
    assert breakglass.unreviewed_count(handler) == 0  # not a head


def test_a_social_head_start_page_shows_the_first_shared_cases_and_counts_them_all(
    login, handler, koping, social, social_head
) -> None:
    from skydd.views import OVERVIEW_LIMIT

    total = OVERVIEW_LIMIT + 2
    cases = [make_case(handler) for _ in range(total)]
    for case in cases[:-1]:
        make_disclosure(case, koping)  # nobody assigned
    make_disclosure(cases[-1], koping, handlers=[social])
    page = login(social_head).get(reverse("core:overview"))
    body = page.content.decode()
    first = sorted(c.reference for c in cases)[:OVERVIEW_LIMIT]
    assert [d.case.reference for d in page.context["shared_cases"]] == first
    assert f"Visar de {OVERVIEW_LIMIT} första av {total}." in body
    assert f"{total - 1} utlämnanden väntar på att du tilldelar handläggare" in body
    assert len(page.context["waiting_assignment"]) == OVERVIEW_LIMIT
    assert cases[-1] not in [d.case for d in page.context["waiting_assignment"]]
    # The handler sees the one assigned to her, and no "first of" line.
    mine = login(social).get(reverse("core:overview"))
    assert [d.case for d in mine.context["shared_cases"]] == [cases[-1]]
    assert (
        "Visar de"
        not in mine.content.decode().split('id="shared-heading"')[1].split("</section>")[0]
    )


def test_shared_cases_come_fifty_a_page(login, handler, koping, social_head) -> None:
    from cases.sharing.views import SHARED_PAGE_SIZE

    cases = [make_case(handler) for _ in range(SHARED_PAGE_SIZE + 3)]
    for case in cases:
        make_disclosure(case, koping)
    client = login(social_head)
    first = client.get(reverse("cases:shared_cases"))
    second = client.get(reverse("cases:shared_cases"), {"sida": 2})
    references = sorted(c.reference for c in cases)
    shown = [r.disclosure.case.reference for r in first.context["rows"]]
    assert shown == references[:SHARED_PAGE_SIZE]
    assert [r.disclosure.case.reference for r in second.context["rows"]] == references[
        SHARED_PAGE_SIZE:
    ]
    body = first.content.decode()
    assert "Sida 1 av 2" in body and 'href="?sida=2"' in body
    assert f"({len(cases)})</caption>" in body
    # A page number past the end shows the last page, not an error.
    last = client.get(reverse("cases:shared_cases"), {"sida": 99})
    assert last.status_code == 200 and len(last.context["rows"]) == 3
