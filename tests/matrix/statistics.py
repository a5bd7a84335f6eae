"""Matrix entries for the statistics pages (stats/urls.py): heads and administrators only.

The unit head sees the unit's figures, the administrator the national ones; every handler,
colleague and social-services handler gets 404 (the social-services head, not a matrix
persona, is covered in tests/statistics/test_access.py and the sentinel crawl).
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, World, everyone, no_kwargs


def cases_csv(world: World) -> dict[str, Any]:
    return {"table": "cases_summary"}


HEADS = everyone(404, head=200, admin=200)

ROUTES = [
    Route("statistics:page", no_kwargs, HEADS),
    Route("statistics:csv", cases_csv, HEADS),
]
