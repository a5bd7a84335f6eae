"""Preferences, the unsubscribe form, /healthz/scheduler and the start page's preview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Preference, SweepState
from tests.factories import make_case, make_disclosure
from tests.notifications.conftest import days, follow_up

pytestmark = pytest.mark.django_db


def test_preferences_turn_a_rule_and_the_digest_off_but_not_urgent_ones(login, head) -> None:
    client = login(head)
    page = client.get(reverse("notifications:preferences"))
    body = page.content.decode()
    assert 'value="followup_overdue_unit"' in body
    assert 'value="disclosure_waiting"' not in body  # urgent: listed, not a choice
    assert "Utlämnanden som väntar på handläggare" in body
    response = client.post(
        reverse("notifications:preferences"),
        {"rules": ["followup_due"], "language": "en"},
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=head)
    assert pref.digest is False and pref.language == "en"
    assert "followup_overdue_unit" in pref.muted_rules
    assert "followup_due" not in pref.muted_rules
    assert "disclosure_waiting" not in pref.muted_rules


def test_bad_language_gets_a_message_and_nothing_is_saved(login, head) -> None:
    response = login(head).post(
        reverse("notifications:preferences"), {"digest": "on", "language": "xx"}
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Preference.objects.filter(user=head).exists()


def test_unsubscribe_get_changes_nothing_and_a_bad_token_is_404(handler) -> None:
    from notifications.unsubscribe import unsubscribe_token

    url = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(handler.pk)})
    client = Client()
    assert client.get(url).status_code == 200
    assert not Preference.objects.filter(user=handler).exists()
    assert client.delete(url).status_code == 405
    bad = reverse("notifications:unsubscribe", kwargs={"token": "1:abc:def"})
    assert client.get(bad).status_code == 404
    assert client.post(bad).status_code == 404


def test_healthz_scheduler_reports_the_last_sweep_and_fails_when_stale(client) -> None:
    response = client.get("/healthz/scheduler")
    assert response.status_code == 503 and response.json()["last_sweep"] is None
    SweepState.objects.create(last_success_at=timezone.now() - timedelta(minutes=3))
    response = client.get("/healthz/scheduler")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    SweepState.objects.update(last_success_at=timezone.now() - timedelta(minutes=16))
    response = client.get("/healthz/scheduler")
    assert response.status_code == 503 and response.json()["age_seconds"] >= 960
    assert client.get("/healthz").status_code == 200  # unchanged


def test_start_page_shows_the_heads_unit_overdue_list(login, handler, head) -> None:
    case = make_case(handler)
    follow_up(case, handler, timezone.localdate() - days(9))
    body = login(head).get(reverse("core:overview")).content.decode()
    assert "Uppföljningar i enheten som är mer än en vecka försenade (1)" in body
    assert case.reference in body
    assert handler.full_name not in body.split('id="digest-heading"')[1]


def test_start_page_shows_the_social_heads_waiting_disclosures(
    login, handler, social_head, koping
) -> None:
    case = make_case(handler)
    make_disclosure(case, koping)
    body = login(social_head).get(reverse("core:overview")).content.decode()
    assert "Utlämnanden som väntar på handläggare (1)" in body and case.reference in body


def test_start_page_queries_do_not_grow_with_the_items(login, handler, head) -> None:
    client = login(head)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("core:overview")).status_code == 200
        return len(queries)

    for _ in range(2):
        follow_up(make_case(handler), handler, timezone.localdate() - days(9))
    count()  # the first page after the login also writes the session's idle stamp
    small = count()
    for _ in range(6):
        follow_up(make_case(handler), handler, timezone.localdate() - days(9))
    make_case(handler)  # and a case without a follow-up
    assert count() == small
