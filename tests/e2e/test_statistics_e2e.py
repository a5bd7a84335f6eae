"""Browser: the unit head reaches the statistics from the start page, changes the period,
gets Swedish messages for bad dates, downloads a CSV; the administrator sees the national
figures with small counts suppressed. axe-clean, screenshots under test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import demo
from accounts.models import User
from tests.e2e.conftest import SCREENSHOTS, current_totp, login_through_forms

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _login(page: Page, email: str) -> None:
    login_through_forms(
        page, email, demo.DEMO_PASSWORD, current_totp(User.objects.get(email=email))
    )


def test_head_and_admin_follow_the_figures(new_page) -> None:
    call_command("seed_demo", quiet=True)
    page, check = new_page()
    _login(page, "chef@polis.example")
    page.get_by_role("link", name="Visa statistik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av verksamheten")
    page.locator("#id_period").select_option(label="Detta år")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", name="Ärenden per kategori")).to_be_visible()
    # Every chart has a text alternative and the table beside it.
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 5
    for i in range(charts.count()):
        assert charts.nth(i).locator("title").text_content()
        assert charts.nth(i).locator("desc").text_content()
    check("head-this-year")

    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta tabellen Antal ärenden som CSV").click()
    path = download.value.path()
    text = path.read_text(encoding="utf-8-sig") if path else ""
    assert "Nya ärenden;" in text

    # Alarm loans over the demo's last 130 days (chosen dates: independent of the day of
    # the year): five loans, one of them with a real alarm, four on a written reason.
    today = timezone.localdate()
    page.locator("#id_period").select_option(label="Valda datum")
    page.get_by_label("Från och med").fill(f"{today - timedelta(days=130):%Y-%m-%d}")
    page.get_by_label("Till och med").fill(f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="Visa").click()
    alarms = page.locator("section[aria-labelledby=stats-alarms]")
    expect(alarms.get_by_role("heading", name="Larmutrustning", exact=True)).to_be_visible()
    row = alarms.get_by_role("row", name="Lån med minst ett skarpt larm")
    expect(row.locator("td").first).to_have_text("20 % (1 av 5)")
    basis = alarms.get_by_role("row", name="Utan strukturerad bedömning")
    expect(basis.locator("td").first).to_have_text("80 % (4 av 5)")
    assert alarms.locator("svg[role=img]").count() == 2
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alarms.screenshot(path=str(SCREENSHOTS / "statistics-head-alarm-loans.png"))
    check("head-alarm-loans")

    page.locator("#id_period").select_option(label="Valda datum")
    page.get_by_label("Från och med").fill("2026-05-10")
    page.get_by_label("Till och med").fill("2026-05-01")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_text("Sista dagen kan inte vara före första dagen.")).to_be_visible()
    expect(page.get_by_label("Från och med")).to_have_value("2026-05-10")
    check("head-bad-dates")

    admin, check_admin = new_page()
    _login(admin, "admin@skydd.example")
    admin.goto("/statistik/?period=this_year")
    expect(admin.get_by_text("Små tal: antal 1–4 visas som <5").first).to_be_visible()
    # Two demo units, five loans each, two ended each, one real alarm each.
    admin.goto(
        f"/statistik/?period=custom&start={today - timedelta(days=130):%Y-%m-%d}"
        f"&end={today:%Y-%m-%d}"
    )
    national = admin.locator("section[aria-labelledby=stats-alarms]")
    for label, text in (
        ("Lån som började under perioden", "10"),
        ("Avslutade lån", "<5"),
        ("Lån med minst ett skarpt larm", "–"),
    ):
        expect(national.get_by_role("row", name=label).locator("td").first).to_have_text(text)
    check_admin("admin-national-alarm-loans")
    check_admin("admin-national")
