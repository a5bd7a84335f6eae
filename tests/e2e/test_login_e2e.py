from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from accounts import demo
from accounts.models import User
from tests.e2e.conftest import current_totp, login_through_forms

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_demo_user_logs_in_with_password_and_totp(new_page) -> None:
    demo.seed()
    creds = {c.email: c for c in demo.credentials()}
    handler = creds["handlaggare@polis.example"]
    page, check = new_page()

    page.goto("/")
    assert "/login/" in page.url
    check("login")

    page.get_by_label("E-postadress").fill(handler.email)
    page.get_by_label("Lösenord").fill(handler.password)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url("**/login/kod/**")
    check("otp")

    page.get_by_label("Engångskod").fill("123")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Koden består av sex siffror.")).to_be_visible()
    check("otp-error")

    page.get_by_label("Engångskod").fill(current_totp(User.objects.get(email=handler.email)))
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Översikt", level=1)).to_be_visible()
    expect(page.get_by_text("Anna Andersson (demo)")).to_be_visible()
    check("overview")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(new_page) -> None:
    demo.seed()
    page, _check = new_page()
    user = User.objects.get(email="handlaggare@polis.example")
    login_through_forms(page, user.email, demo.DEMO_PASSWORD, current_totp(user))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hoppa till huvudinnehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_lockout_page_has_no_accessibility_violation(new_page) -> None:
    demo.seed()
    page, check = new_page()
    for _ in range(10):
        page.goto("/login/")
        page.get_by_label("E-postadress").fill("handlaggare@polis.example")
        page.get_by_label("Lösenord").fill("fel-lösenord")
        page.get_by_role("button", name="Fortsätt").click()
    page.goto("/login/")
    page.get_by_label("E-postadress").fill("handlaggare@polis.example")
    page.get_by_label("Lösenord").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", name="Inloggningen är tillfälligt spärrad")).to_be_visible()
    check("locked-out", expected_status=429)


def test_enrolment_page_shows_a_qr_code(new_page) -> None:
    demo.seed()
    user = User.objects.get(email="kollega@polis.example")
    user.totpdevice_set.all().delete()
    page, check = new_page()
    page.goto("/login/")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url("**/login/aktivera/**")
    expect(page.get_by_role("img", name="QR-kod för autentiseringsappen")).to_be_visible()
    check("enrol")


def test_own_password_change_page_needs_a_code_and_is_accessible(new_page) -> None:
    demo.seed()
    page, check = new_page()
    user = User.objects.get(email="handlaggare@polis.example")
    login_through_forms(page, user.email, demo.DEMO_PASSWORD, current_totp(user))
    page.get_by_role("link", name="Byt lösenord").click()
    page.wait_for_url("**/konto/losenord/")
    check("password-change")
    page.get_by_label("Nuvarande lösenord").fill(demo.DEMO_PASSWORD)
    page.locator("#id_new_password1").fill("Ett-nytt-lösen-77")
    page.get_by_label("Bekräfta nytt lösenord").fill("Ett-nytt-lösen-77")
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.get_by_text("Koden stämmer inte")).to_be_visible()
    check("password-change-error")
    user.refresh_from_db()
    assert user.check_password(demo.DEMO_PASSWORD)


def test_slow_down_page_has_no_accessibility_violation(new_page, settings) -> None:
    settings.LOGIN_IP_SLOWDOWN_AFTER = 2
    settings.LOGIN_IP_MAX_DELAY_SECONDS = 60
    page, check = new_page()
    # The wall clock stands still in the server thread: on a slow host the browser's steps
    # could otherwise outlast the one-second wait after the second failure.
    with time_machine.travel(timezone.now(), tick=False):
        for i in range(3):
            page.goto("/login/")
            page.get_by_label("E-postadress").fill(f"spray{i}@polis.example")
            page.get_by_label("Lösenord").fill("fel-lösenord")
            page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", name="Försök igen om en stund")).to_be_visible()
    check("slow-down", expected_status=429)
