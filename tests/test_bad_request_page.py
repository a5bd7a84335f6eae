"""A request the server cannot take (a body over the limit) answers with the Swedish 400
page (issue 10), not Django's bare English one."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import make_case


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_over_the_limit_gets_the_swedish_400_page(login, handler) -> None:
    case = make_case(handler)
    client: Client = login(handler)
    url = reverse("cases:journal_add", kwargs={"key": case.key})
    response = client.post(url, {"text": "x" * 20_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Det gick inte att ta emot det du skickade" in html
    assert "Bad Request" not in html
