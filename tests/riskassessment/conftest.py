from __future__ import annotations

import pytest

from tests.riskassessment.reference import ensure_reference_data


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        ensure_reference_data()
