"""Fixtures of the case tests."""

from __future__ import annotations

import pytest

from tests.factories import make_case, make_disclosure


@pytest.fixture
def case(handler, koping, social):
    """A case of the handler, disclosed to social services (Köping) with ``social`` assigned;
    test modules that need another case define their own ``case`` fixture."""
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    return case
