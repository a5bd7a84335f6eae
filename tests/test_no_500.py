# ruff: noqa: F811
"""No input gives a 500 (issue 10): every URL pattern, requested by logged-in personas with
malformed query parameters, answers with a page, a redirect or a 4xx – never a server error.

Two walks: every pattern of the project with its sample path (tests/urlwalk.py, the admin
and the login steps included), and every route of the permission matrix with the matrix
world's real objects (so the views get past their lookups and read the parameters).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import verified_login
from tests.matrix import World

# The matrix's ``world`` fixture, imported to be shared (hence F811 on its parameters).
from tests.test_permission_matrix import _routes, world  # noqa: F401
from tests.urlwalk import walk

# Every query parameter a view of the project reads (grep request.GET and the GET forms).
PARAMS = (
    "a",
    "b",
    "next",
    "sida",
    "user",
    "kind",
    "status",
    "problem",
    "assessment",
    "period",
    "start",
    "end",
    "unit",
    "reference",
    "category",
    "responsible",
    "mine",
    "q",
    "o",
    "p",
)
BAD_VALUES = (
    "²",  # a superscript digit: str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits
    "１２",  # fullwidth digits
    "9" * 40,  # larger than any database integer
    "-1",
    "abc",
    "x" * 5000,
    "a\x00b",  # NUL: PostgreSQL refuses it in a text parameter
    "0001-01-01",
    "9999-12-31",
)


# Values that pass str.isdigit() are also sent beside a valid number, so that a view
# comparing two parameters (a == b) cannot stop before it parses them.
DIGIT_LIKE = ("²", "9" * 40)


def _queries() -> list[dict[str, list[str]]]:
    # Each parameter twice: a multi-select reads a list, a single field the last value.
    queries = [{name: [value, value] for name in PARAMS} for value in BAD_VALUES]
    queries += [{**{name: [value] for name in PARAMS}, "a": ["1"]} for value in DIGIT_LIKE]
    return queries


def _assert_no_500(client: Client, paths: list[tuple[str, str]]) -> None:
    failures = []
    for name, path in paths:
        for query in _queries():
            response = client.get(path, query)
            if response.status_code >= 500:
                shown = query["b"][0][:12]
                failures.append(f"{name} {path} {shown!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_every_url_pattern_with_malformed_parameters_answers_without_a_500(
    world: World,
) -> None:
    sample_paths = [(url.name, url.path) for url in walk() if url.name != "accounts:logout"]
    for persona in ("head", "admin"):
        client = verified_login(Client(raise_request_exception=False), world.users[persona])
        _assert_no_500(client, sample_paths)


@pytest.mark.django_db
def test_every_matrix_route_with_malformed_parameters_answers_without_a_500(
    world: World,
) -> None:
    paths = [
        (route.name, reverse(route.name, kwargs=route.kwargs(world)))
        for route in _routes()
        if not route.post_only and route.name != "accounts:logout"
    ]
    for persona in ("handler", "head", "social"):
        client = verified_login(Client(raise_request_exception=False), world.users[persona])
        _assert_no_500(client, paths)
