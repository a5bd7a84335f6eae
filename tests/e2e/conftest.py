"""Browser harness: Playwright driving Debian's Chromium, axe-core from npm.

Every test logs in through the real password and TOTP forms. ``check_page`` runs axe-core
(WCAG 2.1 A/AA) on the page, fails on any violation or console error (a CSP violation is
one), and saves a screenshot under test-artifacts/screenshots/ to be looked at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, sync_playwright

from accounts.models import User

# Playwright's sync API keeps an event loop in the main thread; the ORM calls made by the
# tests themselves are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium saknas på {CHROMIUM} (make test installerar det som root).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageChecker:
    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.name = name
        self.console_errors: list[str] = []
        self.count = 0
        page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )

    def __call__(self, label: str, expected_status: int | None = None) -> None:
        """Screenshot the page, then fail on axe violations or console errors.

        ``expected_status``: the page itself is meant to answer with this error status
        (the lockout page answers 429); Chromium logs that as a console error, which is
        then not counted.
        """
        self.count += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{self.name}-{self.count:02d}-{label}.png"), full_page=True
        )
        self.page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result: dict[str, Any] = self.page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations']
            })"""
        )
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} – "
            + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert not violations, f"axe on {label} ({self.page.url}):\n" + "\n".join(violations)
        errors = [
            e
            for e in self.console_errors
            if not (expected_status and f"status of {expected_status} " in e)
        ]
        self.console_errors.clear()
        assert not errors, f"console errors on {label}: {errors}"


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[[], tuple[Page, PageChecker]]]:
    contexts = []

    def _new() -> tuple[Page, PageChecker]:
        context = browser.new_context(base_url=live_server.url, locale="sv-SE")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        return page, PageChecker(page, f"{request.node.name}-{len(contexts)}")

    yield _new
    for context in contexts:
        context.close()


def current_totp(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login_through_forms(page: Page, email: str, password: str, totp_code: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill(totp_code)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")
