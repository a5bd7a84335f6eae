from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_authenticated_pages_are_no_store_and_carry_a_nonce_csp(login) -> None:
    response = login(UserFactory()).get("/")
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce, csp
    assert "script-src 'self' 'nonce-" in csp
    assert "'unsafe-inline'" not in csp
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(f'nonce="{nonce.group(1)}"' in tag for tag in scripts)
    assert "onclick=" not in html.lower()
    assert response["X-Frame-Options"] == "DENY"


def test_login_page_is_no_store_too() -> None:
    assert Client().get("/login/")["Cache-Control"] == "no-store"


def test_no_page_loads_anything_from_another_host(login) -> None:
    html = login(UserFactory()).get("/").content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_healthz_reports_database_and_redis_without_login() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@override_settings(REDIS_URL="redis://127.0.0.1:1/0", REDIS_SOCKET_TIMEOUT=1)
def test_healthz_is_503_when_redis_is_down() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "error"


def test_healthz_is_get_only() -> None:
    assert Client().post("/healthz").status_code == 405


def test_error_pages_are_swedish(login) -> None:
    response = login(UserFactory()).get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_the_interface_is_swedish_even_for_an_english_browser() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/login/").content.decode()
    assert '<html lang="sv">' in page and "E-postadress" in page


def test_english_is_available_through_the_switcher(login) -> None:
    client = login(UserFactory())
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Overview" in page
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert "Översikt" in client.get("/").content.decode()


def test_a_request_in_english_leaves_the_thread_in_the_default_language(login) -> None:
    """The language is set for the request only: after an English page, what the same
    thread does next (a task, a list summary) is in Swedish again."""
    from django.utils import translation

    client = login(UserFactory())
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Overview" in client.get("/").content.decode()
    assert translation.get_language() == "sv"
