"""Sections of the case page contributed by the parts of the product.

The case page (cases/views/detail.py) asks each provider registered in
``cases.extensions.case_panels`` for its context, given the CaseAccess. A provider returns
{} when its part has nothing to show for this reader; the template includes the provider's
partial (named in the returned context) only then. Each provider decides what to show from
the CaseAccess scopes alone: it never re-decides access.
"""

from __future__ import annotations

from typing import Any

from cases import extensions
from cases.access import CaseAccess


def case_panels(case_access: CaseAccess) -> list[dict[str, Any]]:
    """[{'template': 'x/_panel.html', ...context}, ...] in registration order."""
    panels = []
    for provider in extensions.case_panels:
        context = provider(case_access)
        if context:
            panels.append(context)
    return panels
