"""One access-log row per read, log pages that filter and sum up (and are logged), and
break-the-glass with a reason of substance that the head reviews (issue 15, items 3–4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import access, breakglass, readlog
from cases.errors import Conflict, Invalid, NotAllowed
from cases.models import AccessLogEntry, BreakGlassAccess, BreakGlassReview
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db

GOOD_REASON = "Skyddspersonen ringde jourtid, ansvarig handläggare nås inte"


def detail(case) -> str:
    return reverse("cases:detail", kwargs={"key": case.key})


def rows(case, user):
    return AccessLogEntry.objects.filter(case=case, user=user).exclude(
        channel=AccessLogEntry.Channel.LOG
    )


# --- one row per read -----------------------------------------------------------------------


def test_a_case_page_visit_logs_one_row_and_a_form_round_trip_none(login, handler) -> None:
    case = make_case(handler)
    client = login(handler)
    client.get(detail(case))
    assert rows(case, handler).count() == 1
    journal = reverse("cases:journal_add", kwargs={"key": case.key})
    client.get(journal)
    client.post(journal, {"occurred_on": "", "visibility": "police", "text": ""})  # invalid
    note = {"occurred_on": "2026-01-05", "visibility": "police", "text": "Samtal"}
    response = client.post(journal, note, follow=True)
    assert response.status_code == 200 and "Samtal" in response.content.decode()
    assert rows(case, handler).count() == 1


def test_a_new_visit_after_the_window_is_a_new_row(login, handler) -> None:
    case = make_case(handler)
    client = login(handler)
    client.get(detail(case))
    with time_machine.travel(timezone.now() + readlog.READ_WINDOW + timedelta(seconds=5)):
        login(handler).get(detail(case))  # a new login: the idle session has ended
    assert rows(case, handler).count() == 2


def test_another_reader_and_a_denial_each_get_their_row(login, handler, head, other_police):
    case = make_case(handler)
    login(handler).get(detail(case))
    login(head).get(detail(case))
    assert login(other_police).get(detail(case)).status_code == 404
    assert login(other_police).get(detail(case)).status_code == 404
    assert rows(case, handler).count() == 1 and rows(case, head).count() == 1
    assert rows(case, other_police).filter(granted=False).count() == 2


def test_a_search_hit_logs_one_row(login, handler) -> None:
    case = make_case(handler, protected=PersonFactory(first_name="Ylvalina"))
    client = login(handler)
    client.post(reverse("cases:search"), {"kind": "name", "namn-name": "Ylvalina"})
    hits = AccessLogEntry.objects.filter(case=case, channel=AccessLogEntry.Channel.SEARCH)
    assert hits.count() == 1


def test_break_glass_and_the_page_it_opens_are_one_row(login, handler, colleague) -> None:
    case = make_case(handler)
    client = login(colleague)
    client.get(detail(case))  # asks for a reason: a denied row
    client.post(
        reverse("cases:break_glass", kwargs={"key": case.key}), {"reason": GOOD_REASON}, follow=True
    )
    granted = rows(case, colleague).filter(granted=True)
    assert granted.count() == 1 and granted.get().break_glass_reason == GOOD_REASON


# --- the log pages --------------------------------------------------------------------------


def test_report_filters_by_person_and_channel_and_sums_up_per_user(
    login, head, handler, colleague
) -> None:
    case = make_case(handler)
    access.get_case_for_user(handler, case.key)
    access.break_the_glass(colleague, case, reason=GOOD_REASON)
    access.get_case_for_user(handler, case.key, channel=access.Channel.PRINT, what="pdf")
    client = login(head)
    response = client.get(reverse("cases:access_report"))
    summary = {row["user__full_name"]: row for row in response.context["summary"]}
    assert summary[handler.full_name]["reads"] == 2
    assert summary[colleague.full_name]["break_glass"] == 1
    response = client.get(reverse("cases:access_report"), {"channel": "print"})
    assert [e.channel for e in response.context["page"]] == ["print"]
    response = client.get(reverse("cases:access_report"), {"user": colleague.pk})
    assert {e.user for e in response.context["page"]} == {colleague}
    assert list(response.context["summary"]) == [
        {
            "user_id": colleague.pk,
            "user__full_name": colleague.full_name,
            "reads": 1,
            "cases": 1,
            "break_glass": 1,
            "denied": 0,
        }
    ]


def test_reading_the_log_pages_is_logged(login, head, handler) -> None:
    case = make_case(handler)
    client = login(head)
    client.get(reverse("cases:access_report"))
    client.get(reverse("cases:break_glass_list"))
    client.get(reverse("cases:access_log", kwargs={"key": case.key}))
    logged = AccessLogEntry.objects.filter(user=head, channel=AccessLogEntry.Channel.LOG)
    assert sorted(logged.values_list("what", flat=True)) == [
        "nödåtkomster",
        "åtkomstlogg",
        "åtkomstrapport",
    ]
    # ... and the head sees the log reads in the report.
    response = client.get(reverse("cases:access_report"), {"channel": "log"})
    assert response.context["page"].paginator.count >= 3


# --- break the glass: a reason of substance, reviewed by the head ---------------------------


@pytest.mark.parametrize(
    "reason", ["ok", "x", "test", "asdf", "...", "aaaaaaaaaaaaaaaaaaaa", "test test test test"]
)
def test_a_placeholder_or_too_short_reason_is_refused(login, handler, colleague, reason) -> None:
    case = make_case(handler)
    response = login(colleague).post(
        reverse("cases:break_glass", kwargs={"key": case.key}), {"reason": reason}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert reason in response.content.decode()  # what was typed is kept
    assert not BreakGlassAccess.objects.filter(case=case).exists()
    with pytest.raises(Invalid):
        access.break_the_glass(colleague, case, reason=reason)


def test_a_reason_with_substance_is_accepted() -> None:
    assert breakglass.reason_problem(GOOD_REASON) is None
    assert breakglass.reason_problem("Larm från skyddspersonen i natt") is None


def test_head_reviews_an_opening_and_the_count_falls(login, head, handler, colleague) -> None:
    first = access.break_the_glass(colleague, make_case(handler), reason=GOOD_REASON)
    access.break_the_glass(colleague, make_case(handler), reason=GOOD_REASON)
    client = login(head)
    start = client.get(reverse("core:overview"))
    assert start.context["unreviewed_break_glass"] == 2
    assert "2 öppningar med nödåtkomst väntar på din granskning" in start.content.decode()
    review_url = reverse("cases:break_glass_review", kwargs={"pk": first.pk})
    response = client.post(review_url, {"comment": ""})
    assert response.status_code == 200 and response.context["form"].errors["comment"]
    response = client.post(review_url, {"comment": "Stämmer med jourrapporten."})
    assert response.status_code == 302
    review = BreakGlassReview.objects.get(grant=first)
    assert (review.reviewed_by, review.comment) == (head, "Stämmer med jourrapporten.")
    assert client.get(reverse("core:overview")).context["unreviewed_break_glass"] == 1
    listing = client.get(reverse("cases:break_glass_list")).content.decode()
    assert "Stämmer med jourrapporten." in listing
    # Reviewed once: a second review is refused and the first one is kept.
    client.post(review_url, {"comment": "Ändrad kommentar"})
    assert BreakGlassReview.objects.get(grant=first).comment == "Stämmer med jourrapporten."
    with pytest.raises(Conflict):
        breakglass.review(head, first, comment="Igen")


def test_only_the_head_of_the_unit_reviews(login, handler, colleague, other_police) -> None:
    grant = access.break_the_glass(colleague, make_case(handler), reason=GOOD_REASON)
    for user in (handler, colleague, other_police):
        with pytest.raises(NotAllowed):
            breakglass.review(user, grant, comment="Granskad")
        url = reverse("cases:break_glass_review", kwargs={"pk": grant.pk})
        assert login(user).get(url).status_code == 404
    assert not BreakGlassReview.objects.exists()


def test_handlers_start_page_has_no_review_count(login, handler) -> None:
    assert login(handler).get(reverse("core:overview")).context["unreviewed_break_glass"] is None
