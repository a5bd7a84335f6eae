"""Matrix entries for the core pages and the case list/page (cases/urls.py)."""

from __future__ import annotations

from tests.matrix import Route, case_key, everyone, no_kwargs, restricted_key

# A case page as each persona sees it: the colleague gets the break-the-glass form (200).
CASE_PAGE = everyone(404, handler=200, colleague=200, colleague_bg=200, head=200, social=200)
RESTRICTED_PAGE = everyone(404, handler=200, head=200)

ROUTES = [
    Route("core:overview", no_kwargs, everyone(200)),
    Route("accounts:password_change", no_kwargs, everyone(200)),
    Route("cases:list", no_kwargs, everyone(200)),
    Route("cases:detail", case_key, CASE_PAGE),
]

# Extra rows checked for the same URL name with other objects.
EXTRA = [
    Route("cases:detail", restricted_key, RESTRICTED_PAGE),
]
