"""State changes and queries of case work: measures, kontaktförbud, follow-ups, support
information, closing, reopening and legal hold.

Every state change takes the acting user, resolves the user's access through cases.access
(never deciding access itself), checks the case-work rule on top of it, writes, and journals
— in one transaction. Views validate a form, call one of these and redirect.

Who may change what (issue 4, acceptance):
- police with edit rights on the case (responsible handler, head): everything;
- social services reading the case through a disclosure that includes "scope_measures": only
  measures and follow-ups whose responsible party is social services;
- a unit colleague who broke the glass: read only;
- closing needs edit rights; reopening and legal hold need the head of the unit.
A closed case is read-only: every change here first calls ``ensure_open`` (except reopening
and legal hold, which exist for closed cases).
"""

from __future__ import annotations

from cases.casework.policy import (
    editable_parties,
    may_change_row,
    may_edit_party,
    may_edit_police_work,
    may_manage_legal_hold,
    may_plan_from_assessment,
    may_reopen,
    shows_casework,
    shows_note,
)
from cases.casework.services.bans import (
    CONTACT_BAN_TERMS,
    MEASURE_KIND_FOR_BAN,
    add_breach,
    add_contact_ban,
    case_ids_with_contact_ban,
    contact_ban_max_days,
    contact_ban_period_error,
    is_contact_ban_term,
    mark_contact_ban,
    refresh_contact_ban_flags,
    update_contact_ban,
    with_contact_ban,
)
from cases.casework.services.closing import (
    ClosingBlocker,
    add_closing_note,
    bans_in_force_notice,
    close_case,
    closing_blockers,
    closing_notices,
    ending_disclosures,
    measures_ending_on_close,
    open_follow_ups_block_closing,
    remove_legal_hold,
    reopen_case,
    running_disclosures_notice,
    set_legal_hold,
)
from cases.casework.services.common import (
    CaseClosedError,
    CaseworkPermissionError,
    ClosingBlockedError,
    ensure_open,
)
from cases.casework.services.followups import (
    TODO_HORIZON_DAYS,
    add_follow_up,
    assignee_choices,
    complete_follow_up,
    open_follow_ups,
    todo_for,
    update_follow_up,
    without_next_follow_up,
)
from cases.casework.services.measures import (
    add_measure,
    plan_from_assessment,
    set_measure_status,
    update_measure,
)
from cases.casework.services.reading import (
    contact_bans_for,
    follow_ups_for,
    measures_for,
    participant_label,
    support_information_for,
)
from cases.casework.services.support import (
    local_municipalities,
    offered_organisations,
    record_support_information,
)
from cases.services import ConflictError, journal, responsible_handlers

__all__ = [
    "CONTACT_BAN_TERMS",
    "MEASURE_KIND_FOR_BAN",
    "TODO_HORIZON_DAYS",
    "CaseClosedError",
    "CaseworkPermissionError",
    "ClosingBlockedError",
    "ClosingBlocker",
    "ConflictError",
    "add_breach",
    "add_closing_note",
    "add_contact_ban",
    "add_follow_up",
    "add_measure",
    "assignee_choices",
    "bans_in_force_notice",
    "case_ids_with_contact_ban",
    "close_case",
    "closing_blockers",
    "closing_notices",
    "complete_follow_up",
    "contact_ban_max_days",
    "contact_ban_period_error",
    "contact_bans_for",
    "editable_parties",
    "ending_disclosures",
    "ensure_open",
    "follow_ups_for",
    "is_contact_ban_term",
    "journal",
    "local_municipalities",
    "mark_contact_ban",
    "may_change_row",
    "may_edit_party",
    "may_edit_police_work",
    "may_manage_legal_hold",
    "may_plan_from_assessment",
    "may_reopen",
    "measures_ending_on_close",
    "measures_for",
    "offered_organisations",
    "open_follow_ups",
    "open_follow_ups_block_closing",
    "participant_label",
    "plan_from_assessment",
    "record_support_information",
    "refresh_contact_ban_flags",
    "remove_legal_hold",
    "reopen_case",
    "responsible_handlers",
    "running_disclosures_notice",
    "set_legal_hold",
    "set_measure_status",
    "shows_casework",
    "shows_note",
    "support_information_for",
    "todo_for",
    "update_contact_ban",
    "update_follow_up",
    "update_measure",
    "with_contact_ban",
    "without_next_follow_up",
]
