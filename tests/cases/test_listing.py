"""What matters on every case list and in the case header (issue 15, item 1): the latest
risk level, the protected-identity level, the next follow-up and a device on loan – in a
fixed number of queries whatever the number of rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import listing
from cases.models import FollowUp, Person
from tests.alarms.helpers import device, lend
from tests.factories import PersonFactory, make_case, make_disclosure
from tests.riskassessment.helpers import final_assessment

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")
OVERVIEW = reverse("core:overview")
TODO = reverse("cases:todo")
SHARED = reverse("cases:shared_cases")


def rich_case(handler, koping=None, social=None, *, level="high", overdue=True):
    """A case with everything a row shows: a final assessment, a protected identity, an
    overdue follow-up, a device on loan and (optionally) a disclosure to ``koping``."""
    protected = PersonFactory(protection=Person.Protection.SKYDDAD_FOLKBOKFORING)
    case = make_case(handler, protected=protected)
    final_assessment(handler, case, level=level)
    FollowUp.objects.create(
        case=case,
        kind=FollowUp.Kind.CONVERSATION,
        due_date=date.today() + timedelta(days=-3 if overdue else 5),
        assignee=handler,
        responsible_party="police",
    )
    lend(handler, case, device(handler))
    if koping is not None:
        make_disclosure(case, koping, handlers=[social] if social else [])
    return case


def count_queries(client, url):
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_summary_shows_risk_protection_follow_up_and_loan(handler):
    case = rich_case(handler)
    (row,) = listing.summarise(handler, [case])
    s = row.summary
    assert [(r.level, r.display) for r in s.risk_levels] == [("high", "Hög")]
    assert s.protection == Person.Protection.SKYDDAD_FOLKBOKFORING
    assert s.overdue and s.next_follow_up < date.today()
    assert any("Larm utlånat" in f for f in s.flags)


def test_case_without_assessment_says_not_assessed(login, handler):
    make_case(handler)
    body = login(handler).get(LIST).content.decode()
    assert "Ej bedömd" in body


def test_social_services_see_no_device_flag_and_risk_only_when_disclosed(handler, koping, social):
    with_risk = rich_case(handler, koping, social)
    without = rich_case(handler)
    make_disclosure(without, koping, handlers=[social], scope_risk_summary=False)
    rows = {c.pk: c.summary for c in listing.summarise(social, [with_risk, without])}
    assert rows[with_risk.pk].risk_levels[0].level == "high"
    assert rows[with_risk.pk].flags == []  # device details are police-only
    assert rows[without.pk].risk_levels is None


@pytest.mark.parametrize("url", [LIST, OVERVIEW, TODO])
def test_police_list_pages_keep_a_fixed_query_count(login, handler, url):
    client = login(handler)
    rich_case(handler)
    rich_case(handler, level="low")
    few, body = count_queries(client, url)
    assert "Hög" in body and "Skyddad folkbokföring" in body and "Försenad" in body
    assert "Larm utlånat" in body
    for _ in range(4):
        rich_case(handler, level="medium")
    many, body = count_queries(client, url)
    assert body.count("Skyddad folkbokföring") >= 6
    assert many == few


def test_shared_cases_page_keeps_a_fixed_query_count(login, handler, koping, social):
    client = login(social)
    rich_case(handler, koping, social)
    few, body = count_queries(client, SHARED)
    assert "Hög" in body and "Skyddad folkbokföring" in body
    assert "Larm utlånat" not in body
    for _ in range(4):
        rich_case(handler, koping, social)
    many, body = count_queries(client, SHARED)
    assert body.count("Skyddad folkbokföring") == 5
    assert many == few


def test_case_header_shows_what_matters_and_a_section_navigation(login, handler):
    case = rich_case(handler)
    body = login(handler).get(reverse("cases:detail", args=[case.key])).content.decode()
    header = body.split('id="case-header"')[1].split("</nav>")[0]
    for text in ("Hög", "Skyddad folkbokföring", "Försenad", "Larm utlånat", case.reference):
        assert text in header
    for anchor in ("#facts-heading", "#ra-panel-heading", "#people-heading", "#journal-heading"):
        assert f'href="{anchor}"' in header
        assert f'id="{anchor[1:]}"' in body


def test_social_start_page_lists_shared_cases_and_a_head_sees_what_waits(
    login, handler, koping, social, social_head
) -> None:
    mine = rich_case(handler, koping, social)
    unassigned = rich_case(handler, koping)  # disclosed to Köping, no handler yet
    page = login(social).get(OVERVIEW)
    assert [d.case for d in page.context["shared_cases"]] == [mine]
    body = page.content.decode()
    assert mine.reference in body and "Hög" in body and "Skyddad folkbokföring" in body
    assert "Du är inte ansvarig" not in body
    head_page = login(social_head).get(OVERVIEW)
    assert {d.case for d in head_page.context["shared_cases"]} == {mine, unassigned}
    assert [d.case for d in head_page.context["waiting_assignment"]] == [unassigned]
    assert "1 utlämnande väntar på att du tilldelar en handläggare" in head_page.content.decode()


def test_social_start_page_keeps_a_fixed_query_count(login, handler, koping, social):
    client = login(social)
    rich_case(handler, koping, social)
    few, _ = count_queries(client, OVERVIEW)
    for _ in range(4):
        rich_case(handler, koping, social)
    many, body = count_queries(client, OVERVIEW)
    assert body.count("Skyddad folkbokföring") >= 5
    assert many == few
