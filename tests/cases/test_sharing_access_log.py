"""Break the glass through the form, and the access-log pages: "Vem har sett ärendet", the
per-user report and the break-the-glass list for heads."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from cases import access, breakglass
from cases.models import AccessLogEntry, BreakGlassAccess
from tests.factories import MembershipFactory, make_case, make_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    return make_case(handler, threat_picture="Hemlig hotbild (test)")


def _detail(case) -> str:
    return reverse("cases:detail", kwargs={"key": case.key})


def _glass(case) -> str:
    return reverse("cases:break_glass", kwargs={"key": case.key})


def _log(case) -> str:
    return reverse("cases:access_log", kwargs={"key": case.key})


def _count_queries(client, url: str) -> int:
    # Warm: the first page after the login also writes the session's idle stamp (at most
    # once a minute), which is no part of the page.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


# --- Break the glass ------------------------------------------------------------------------


def test_colleague_sees_only_the_reference_and_a_reason_form(login, colleague, case) -> None:
    response = login(colleague).get(_detail(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert case.reference in html and f'action="{_glass(case)}"' in html
    assert 'name="reason"' in html
    assert "Hemlig hotbild" not in html
    assert case.get_category_display() not in html


def test_colleague_breaks_the_glass_with_a_reason(login, colleague, case) -> None:
    client = login(colleague)
    response = client.post(_glass(case), {"reason": "Skyddspersonen ringde, Hanna är ledig"})
    assert response.status_code == 302 and response["Location"] == _detail(case)
    grant = BreakGlassAccess.objects.get(case=case, user=colleague)
    assert grant.reason == "Skyddspersonen ringde, Hanna är ledig"
    assert grant.expires_at > timezone.now() + timedelta(hours=23)
    page = client.get(_detail(case))
    assert page.status_code == 200
    assert "Nödåtkomsten gäller till" in page.content.decode()


def test_empty_reason_is_a_swedish_error_and_nothing_is_granted(login, colleague, case) -> None:
    response = login(colleague).post(_glass(case), {"reason": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ange varför du behöver öppna ärendet." in html
    assert 'aria-invalid="true"' in html
    assert not BreakGlassAccess.objects.exists()
    assert "Hemlig hotbild" not in html


def test_too_long_reason_keeps_the_text(login, colleague, case) -> None:
    text = "x" * 2001
    response = login(colleague).post(_glass(case), {"reason": text})
    assert response.status_code == 200
    assert text in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


@pytest.mark.parametrize("who", ["other_police", "social", "social_other", "admin"])
def test_outsiders_get_404(who, request, login, social, case, koping) -> None:
    make_disclosure(case, koping, handlers=[social])
    response = login(request.getfixturevalue(who)).post(_glass(case), {"reason": "Nyfiken"})
    assert response.status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_restricted_case_is_404_for_the_colleague(login, handler, colleague) -> None:
    restricted = make_case(handler, restricted=True)
    response = login(colleague).post(_glass(restricted), {"reason": "Akut"})
    assert response.status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_unknown_case_is_404(login, colleague) -> None:
    url = reverse("cases:break_glass", kwargs={"key": "00000000-0000-0000-0000-000000000001"})
    assert login(colleague).post(url, {"reason": "Akut"}).status_code == 404


@pytest.mark.parametrize("who", ["handler", "head"])
def test_those_with_access_are_sent_to_the_case_without_a_grant(who, request, login, case):
    response = login(request.getfixturevalue(who)).post(_glass(case), {"reason": "x"})
    assert response.status_code == 302 and response["Location"] == _detail(case)
    assert not BreakGlassAccess.objects.exists()


def test_break_glass_refuses_get(login, colleague, case) -> None:
    assert login(colleague).get(_glass(case)).status_code == 405


def test_break_glass_is_logged_once_with_the_reason(login, colleague, case) -> None:
    client = login(colleague)
    client.post(_glass(case), {"reason": ""})
    client.post(_glass(case), {"reason": "Akut larm, ansvarig handläggare ledig"})
    granted = AccessLogEntry.objects.filter(case=case, user=colleague).get()
    assert granted.granted and granted.what == "nödåtkomst beviljad"
    assert granted.break_glass_reason == "Akut larm, ansvarig handläggare ledig"
    assert granted.via == "break_glass"


@pytest.mark.parametrize("who", ["other_police", "social", "admin"])
def test_refused_break_glass_is_recorded(who, request, login, social, case, koping) -> None:
    make_disclosure(case, koping, handlers=[social])
    user = request.getfixturevalue(who)
    login(user).post(_glass(case), {"reason": "Nyfiken"})
    row = AccessLogEntry.objects.get(case=case, user=user)
    assert not row.granted and row.what == "nödåtkomst"


def test_break_glass_expires_after_24_hours(login, colleague, case) -> None:
    login(colleague).post(_glass(case), {"reason": "Akut larm, ansvarig handläggare ledig"})
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1), tick=False):
        response = login(colleague).get(_detail(case))
        assert response.status_code == 200 and 'name="reason"' in response.content.decode()


# --- "Vem har sett ärendet" -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["handler", "head"])
def test_managers_read_the_case_log(who, request, login, colleague, case) -> None:
    access.break_the_glass(colleague, case, reason="Akut, ansvarig ledig")
    access.get_case_for_user(colleague, case.key)
    response = login(request.getfixturevalue(who)).get(_log(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert colleague.full_name in html and "Akut, ansvarig ledig" in html
    assert "PSS Testlän" in html
    assert "<td>nödåtkomst</td>" in html  # the "via" column of the colleague's read
    assert "kräver nödåtkomst" not in html or "Nekad" in html
    assert "Hemlig hotbild" not in html


def test_reading_the_log_is_a_log_read_not_a_case_read(login, handler, case) -> None:
    access.get_case_for_user(handler, case.key)
    reads = AccessLogEntry.objects.filter(case=case).exclude(channel=AccessLogEntry.Channel.LOG)
    before = reads.count()
    login(handler).get(_log(case))
    assert reads.count() == before
    row = AccessLogEntry.objects.get(case=case, channel=AccessLogEntry.Channel.LOG)
    assert row.user == handler and row.granted and row.what == "åtkomstlogg"


@pytest.mark.parametrize(
    "who", ["colleague", "other_police", "social", "social_head", "social_other", "admin"]
)
def test_others_get_404_and_the_attempt_is_recorded(who, request, login, social, case, koping):
    make_disclosure(case, koping, handlers=[social])
    user = request.getfixturevalue(who)
    assert login(user).get(_log(case)).status_code == 404
    row = AccessLogEntry.objects.get(case=case, user=user)
    assert not row.granted and row.what == "åtkomstlogg"


def test_break_glass_colleague_does_not_see_the_log(login, colleague, case) -> None:
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    assert login(colleague).get(_log(case)).status_code == 404


def test_case_log_refuses_post(login, handler, case) -> None:
    assert login(handler).post(_log(case)).status_code == 405


def test_case_log_is_paginated_and_its_query_count_does_not_grow(login, handler, head, case):
    def read() -> None:  # a read each (get_case_for_user would count one per 15 minutes)
        access.record_access(head, case=case, channel=access.Channel.DETAIL, granted=True)

    for _ in range(3):
        read()
    client = login(handler)
    few = _count_queries(client, _log(case))
    for _ in range(120):
        read()
    many = _count_queries(client, _log(case))
    assert few == many
    html = client.get(_log(case) + "?sida=3").content.decode()
    assert "Sida 3 av 3" in html and "?sida=2" in html


# --- Per-user report ------------------------------------------------------------------------


def _report(**params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('cases:access_report')}?{query}"


def test_head_reports_one_users_reads_of_the_unit_cases(
    login, handler, head, colleague, other_police, unit_b, case
) -> None:
    other_unit_case = make_case(other_police, unit=unit_b)
    access.break_the_glass(colleague, case, reason="Akut, rapporttest")
    access.get_case_for_user(colleague, case.key)
    access.get_case_for_user(handler, case.key)
    today = timezone.localdate().isoformat()
    html = (
        login(head).get(_report(user=colleague.pk, date_from=today, date_to=today)).content.decode()
    )
    assert case.reference in html and "Akut, rapporttest" in html
    assert other_unit_case.reference not in html
    # The grant's row is the read: the page visit right after it adds none.
    assert "1 rad" in html


def test_report_lists_outsiders_who_touched_the_unit_cases(
    login, head, social, social_other, case, koping
) -> None:
    make_disclosure(case, koping, handlers=[social])
    access.get_case_for_user(social, case.key)
    form = login(head).get(reverse("cases:access_report")).context["form"]
    candidates = set(form.fields["user"].queryset)
    assert social in candidates and social_other not in candidates
    assert head in candidates


def test_report_period_excludes_older_reads(login, head, colleague, case) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        access.break_the_glass(colleague, case, reason="Gammal åtkomst, jourtid")
    today = timezone.localdate()
    start = (today - timedelta(days=7)).isoformat()
    html = (
        login(head)
        .get(_report(user=colleague.pk, date_from=start, date_to=today.isoformat()))
        .content.decode()
    )
    assert "Gammal åtkomst" not in html and "Inga åtkomster under perioden." in html


def test_report_rejects_a_reversed_period_and_unknown_users(login, head, admin) -> None:
    response = login(head).get(_report(user=admin.pk, date_from="2026-02-01", date_to="2026-01-01"))
    errors = response.context["form"].errors
    assert errors["user"] == ["Välj en person i listan."]
    assert errors["date_to"] == ["Slutdatumet kan inte vara före startdatumet."]
    assert response.context["page"] is None


@pytest.mark.parametrize("who", ["handler", "colleague", "social", "social_head", "admin"])
def test_report_is_for_police_heads_only(who, request, login) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("cases:access_report")).status_code == 404
    assert client.get(reverse("cases:break_glass_list")).status_code == 404


def test_report_query_count_does_not_grow(login, head, colleague, handler) -> None:
    case = make_case(handler)
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    today = timezone.localdate().isoformat()
    url = _report(user=colleague.pk, date_from=today, date_to=today)
    client = login(head)
    few = _count_queries(client, url)
    for _ in range(6):
        other = make_case(handler)
        access.break_the_glass(colleague, other, reason="Akut igen – skyddspersonen ringde jourtid")
        access.get_case_for_user(colleague, other.key)
    assert _count_queries(client, url) == few


# --- Break-the-glass list -------------------------------------------------------------------


def test_head_sees_active_and_recent_break_glass(login, head, colleague, handler) -> None:
    active_case = make_case(handler)
    old_case = make_case(handler)
    with time_machine.travel(timezone.now() - timedelta(days=45), tick=False):
        old = access.break_the_glass(colleague, old_case, reason="Uråldrig åtkomst, jourtid")
    # An old opening stays on the list until the head has reviewed it.
    assert "Uråldrig åtkomst" in login(head).get(reverse("cases:break_glass_list")).content.decode()
    breakglass.review(head, old, comment="Stämmer med jourrapporten.")
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        access.break_the_glass(colleague, active_case, reason="För tre dagar sedan")
    access.break_the_glass(colleague, active_case, reason="Pågående åtkomst")
    html = login(head).get(reverse("cases:break_glass_list")).content.decode()
    assert "Pågående åtkomst" in html and "För tre dagar sedan" in html
    assert "Uråldrig åtkomst" not in html
    assert "Pågår" in html and "Avslutad" in html
    assert colleague.full_name in html and active_case.reference in html


def test_head_of_another_unit_sees_none_of_ours(login, colleague, case, unit_b) -> None:
    other_head = MembershipFactory(organisation=unit_b, role=Membership.Role.HEAD).user
    access.break_the_glass(colleague, case, reason="Akut här – skyddspersonen ringde jourtid")
    html = login(other_head).get(reverse("cases:break_glass_list")).content.decode()
    assert "Akut här" not in html and case.reference not in html


def test_break_glass_list_query_count_does_not_grow(login, head, colleague, handler) -> None:
    access.break_the_glass(colleague, make_case(handler), reason="Akut, ansvarig ledig")
    client = login(head)
    few = _count_queries(client, reverse("cases:break_glass_list"))
    for _ in range(8):
        access.break_the_glass(colleague, make_case(handler), reason="Akut – skyddspersonen ringde")
    assert _count_queries(client, reverse("cases:break_glass_list")) == few


def test_head_pages_refuse_post(login, head) -> None:
    client = login(head)
    assert client.post(reverse("cases:access_report")).status_code == 405
    assert client.post(reverse("cases:break_glass_list")).status_code == 405
