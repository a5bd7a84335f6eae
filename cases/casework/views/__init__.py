"""Pages of case work. Thin: access through cases.viewutils.with_case (cases.access), the
case-work rule from services, form → service → redirect. No access = 404."""

from __future__ import annotations

from cases.casework.views.bans import (
    BAN_FIELDS,
    contact_ban_add,
    contact_ban_breach_add,
    contact_ban_edit,
)
from cases.casework.views.closing import (
    case_close,
    case_reopen,
    closing_note_add,
    legal_hold,
    legal_hold_remove,
    referral_add,
    support_info_add,
)
from cases.casework.views.common import GET_POST
from cases.casework.views.followups import (
    FOLLOW_UP_FIELDS,
    followup_add,
    followup_complete,
    followup_edit,
    todo,
)
from cases.casework.views.measures import (
    MEASURE_FIELDS,
    casework_page,
    measure_add,
    measure_decline,
    measure_edit,
    measure_end,
)
from cases.formfields import CONFLICT

__all__ = [
    "BAN_FIELDS",
    "CONFLICT",
    "FOLLOW_UP_FIELDS",
    "GET_POST",
    "MEASURE_FIELDS",
    "case_close",
    "case_reopen",
    "casework_page",
    "closing_note_add",
    "contact_ban_add",
    "contact_ban_breach_add",
    "contact_ban_edit",
    "followup_add",
    "followup_complete",
    "followup_edit",
    "legal_hold",
    "legal_hold_remove",
    "measure_add",
    "measure_decline",
    "measure_edit",
    "measure_end",
    "referral_add",
    "support_info_add",
    "todo",
]
