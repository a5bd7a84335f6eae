"""State changes of cases. Each takes the acting user, checks permission, writes, journals.

Views validate a form, call one of these, and redirect. Tasks and management commands call
the same functions.
"""

from __future__ import annotations

from cases.services.common import (
    CASE_OTHER_LABELS,
    CASE_PROTECTED_LABELS,
    PERSON_OTHER_LABELS,
    PERSON_PROTECTED_LABELS,
    ConflictError,
    change_reason,
)
from cases.services.handlers import (
    assign_handler,
    case_page_handlers,
    create_case,
    filter_handler_choices,
    next_reference,
    responsible_handlers,
    unassign_handler,
    unit_handler_choices,
    unit_handlers,
)
from cases.services.identity import (
    PersonMatch,
    merge_duplicates,
    strongest_protection,
)
from cases.services.journal import (
    add_journal_entry,
    journal,
)
from cases.services.persons import (
    FAMILY_ROLES,
    PERSON_FIELDS,
    add_dwelling,
    add_participant,
    open_case,
    proposed_protection,
    remove_dwelling,
    remove_participant,
    update_case,
    update_person,
)
from cases.services.removal import Removal, removal_of
from cases.services.search import (
    SEARCH_LIMIT,
    SearchHit,
    search_persons,
)

__all__ = [
    "CASE_OTHER_LABELS",
    "CASE_PROTECTED_LABELS",
    "FAMILY_ROLES",
    "PERSON_FIELDS",
    "PERSON_OTHER_LABELS",
    "PERSON_PROTECTED_LABELS",
    "SEARCH_LIMIT",
    "ConflictError",
    "PersonMatch",
    "Removal",
    "SearchHit",
    "add_dwelling",
    "add_journal_entry",
    "add_participant",
    "assign_handler",
    "case_page_handlers",
    "change_reason",
    "create_case",
    "filter_handler_choices",
    "journal",
    "merge_duplicates",
    "next_reference",
    "open_case",
    "proposed_protection",
    "removal_of",
    "remove_dwelling",
    "remove_participant",
    "responsible_handlers",
    "search_persons",
    "strongest_protection",
    "unassign_handler",
    "unit_handler_choices",
    "unit_handlers",
    "update_case",
    "update_person",
]
