"""Browser: the head reads the digest preview on the start page, turns a reminder off on
the preferences page, and the unsubscribe link shows a form before it does anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import demo
from accounts.models import User
from cases.models import FollowUp
from notifications.models import Preference
from notifications.unsubscribe import unsubscribe_token
from tests.e2e.conftest import current_totp, login_through_forms
from tests.factories import make_case

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_head_sees_the_digest_preview_and_changes_preferences(new_page) -> None:
    demo.seed()
    head = User.objects.get(email="chef@polis.example")
    handler = User.objects.get(email="handlaggare@polis.example")
    case = make_case(handler)
    FollowUp.objects.create(
        case=case,
        kind="conversation",
        due_date=timezone.localdate() - timedelta(days=12),
        assignee=handler,
    )
    page, check = new_page()
    login_through_forms(page, head.email, demo.DEMO_PASSWORD, current_totp(head))
    section = page.locator("section.digest-preview")
    expect(section.get_by_role("heading", name="Påminnelser")).to_be_visible()
    expect(section.get_by_text("mer än en vecka försenade")).to_be_visible()
    expect(section.get_by_role("link", name=case.reference)).to_be_visible()
    check("start-page-preview")

    section.get_by_role("link", name="E-postinställningar").click()
    expect(page.get_by_role("heading", name="E-postinställningar", level=1)).to_be_visible()
    check("preferences")
    page.get_by_label("Uppföljningar i enheten som är mer än en vecka försenade").uncheck()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Dina e-postinställningar är sparade.")).to_be_visible()
    assert Preference.objects.get(user=head).muted_rules == ["followup_overdue_unit"]
    page.goto("/")
    expect(page.locator("section.digest-preview").get_by_text(case.reference)).to_have_count(0)


def test_unsubscribe_link_shows_a_form_then_unsubscribes(new_page) -> None:
    demo.seed()
    handler = User.objects.get(email="handlaggare@polis.example")
    page, check = new_page()
    page.goto(f"/e-post/avregistrera/{unsubscribe_token(handler.pk)}/")
    heading = page.get_by_role("heading", name="Avsluta den dagliga sammanställningen")
    expect(heading).to_be_visible()
    check("unsubscribe-form")
    assert not Preference.objects.filter(user=handler).exists()
    page.get_by_role("button", name="Ja, avsluta sammanställningen").click()
    expect(page.get_by_role("status")).to_contain_text("Klart.")
    check("unsubscribed")
    assert Preference.objects.get(user=handler).digest is False
