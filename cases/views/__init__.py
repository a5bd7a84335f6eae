"""Case list, intake, case page and the case's sub-pages. Access is decided in cases/access.py
only: every view that touches a case resolves it through ``access.get_case_for_user`` (directly
or through ``with_case``) before reading anything, and 404s otherwise. Views stay thin: form
→ service → redirect.
"""

from __future__ import annotations

from cases.views.common import (
    CONFLICT,
    PAGE_SIZE,
    ROLE_ORDER,
)
from cases.views.detail import (
    case_detail,
)
from cases.views.editing import (
    case_edit,
    case_history,
    journal_add,
)
from cases.views.lists import (
    case_create,
    case_list,
    person_search,
)
from cases.views.persons import (
    assign_handler,
    dwelling_add,
    dwelling_remove,
    participant_add,
    participant_remove,
    person_edit,
    unassign_handler,
)

__all__ = [
    "CONFLICT",
    "PAGE_SIZE",
    "ROLE_ORDER",
    "assign_handler",
    "case_create",
    "case_detail",
    "case_edit",
    "case_history",
    "case_list",
    "dwelling_add",
    "dwelling_remove",
    "journal_add",
    "participant_add",
    "participant_remove",
    "person_edit",
    "person_search",
    "unassign_handler",
]
