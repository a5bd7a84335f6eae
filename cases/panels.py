"""Sections of the case page contributed by other parts of the product.

The case page (cases/views.py) asks each provider below for its context, given the
CaseAccess. A provider returns {} when its part has nothing to show for this reader; the
template includes the provider's partial (named in the returned context) only then. Each
provider decides what to show from the CaseAccess scopes alone: it never re-decides access.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from cases.access import CaseAccess

PROVIDERS = [
    "riskassessment.panels.case_panel",
    "cases.casework.panels.case_panel",
    "cases.plan.panels.case_panel",
    "cases.sharing.panels.case_panel",
]


def case_panels(case_access: CaseAccess) -> list[dict[str, Any]]:
    """[{'template': 'x/_panel.html', ...context}, ...] in PROVIDERS order."""
    panels = []
    for dotted in PROVIDERS:
        module_name, _, func_name = dotted.rpartition(".")
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that part is not built yet
            raise
        context = getattr(module, func_name)(case_access)
        if context:
            panels.append(context)
    return panels
