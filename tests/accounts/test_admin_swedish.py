"""The admin is Swedish throughout in Swedish mode, third-party models included (issue 15):
a crawl over the admin index and every change list, looking for English words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Words that only appear in the English admin (Django's own and the third-party apps').
ENGLISH = re.compile(
    r"\b(Access attempts?|Access failures?|Access logs?|TOTP devices?|Static devices?|"
    r"Email devices?|Groups?|Users?|Permissions?|Sessions?|Site administration|"
    r"Recent actions|My actions|Log out|View site|Change password|Add|Change|Delete|Search|"
    r"Filter|Action|Go|Select|selected|History|Home|Yes|No|Unknown|All|"
    r"Attempt time|IP address|User agent|Username|Path|Failures|Logout time|Login time|"
    r"Name|Confirmed|Throttling|Created|Last used|Key|Token|Digits|Tolerance|Drift|"
    r"Object permissions?|Content type|Historical|Show counts|Clear all filters|"
    r"Date joined|Active|Staff status|Superuser status|entries|results?|total)\b"
)


class _Text(HTMLParser):
    """The visible text of a page (no scripts, styles or attribute values)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def english_in(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return sorted({m.group(0) for m in ENGLISH.finditer(" ".join(parser.parts))})


def changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def test_the_crawl_finds_english_when_there_is_some() -> None:
    assert english_in("<p>Access attempts</p><p>Site administration</p>") == [
        "Access attempts",
        "Site administration",
    ]
    assert english_in("<p>Åtkomstförsök</p><script>var Add = 1</script>") == []


def test_admin_index_and_every_change_list_are_swedish(login, admin) -> None:
    client = login(admin)
    found = {}
    for url in [reverse("admin:index"), *changelists()]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
        assert response.status_code == 200, url
        words = english_in(response.content.decode())
        if words:
            found[url] = words
    assert not found, found
