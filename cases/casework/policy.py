"""Who may change which part of the case work, on top of ``cases.access``.

Asked alike by views, panels, templates and the services in ``cases.casework.services``:
- police with edit rights on the case (responsible handler, head): everything;
- social services reading the case through a disclosure that includes "scope_measures": only
  measures and follow-ups whose responsible party is social services, and of those only the
  ones its own organisation wrote (or the police wrote for social services in general);
- a unit colleague who broke the glass: read only;
- closing needs edit rights; reopening and legal hold need the head of the unit.
"""

from __future__ import annotations

from cases.access import CaseAccess
from cases.models import FollowUp, Party, ProtectiveMeasure
from cases.recipients import own_recipient_ids


def shows_casework(case_access: CaseAccess) -> bool:
    """Measures, kontaktförbud and follow-ups are part of the "scope_measures" scope."""
    return case_access.shows("scope_measures")


def may_edit_party(case_access: CaseAccess, party: str) -> bool:
    """May this reader change a measure or follow-up that ``party`` is responsible for?"""
    if not shows_casework(case_access):
        return False
    if case_access.may_edit:
        return True
    return case_access.via == "disclosure" and party == Party.SOCIAL


def may_change_row(case_access: CaseAccess, row: ProtectiveMeasure | FollowUp) -> bool:
    """May this reader change this measure or follow-up? On top of the party: the work of
    one recipient organisation belongs to it – another recipient of the same case may
    neither edit, decline nor complete it (issue 10). Police with edit rights: everything."""
    if not may_edit_party(case_access, row.responsible_party):
        return False
    # Police with edit rights: everything; a recipient: its own organisation's rows, and
    # rows the police wrote for social services in general (no organisation).
    if case_access.is_police:
        return case_access.may_edit
    return row.organisation_id is None or row.organisation_id in own_recipient_ids(case_access)


def shows_note(case_access: CaseAccess, row: ProtectiveMeasure | FollowUp) -> bool:
    """The free text of a measure or follow-up (its note, a follow-up's outcome) is
    police-internal unless social services wrote the row or the police author marked it
    shared. What one recipient organisation wrote is read by the police and by that
    organisation, never by another recipient of the case (issue 10)."""
    if case_access.is_police:
        return True
    if row.organisation_id is not None:
        return row.organisation_id in own_recipient_ids(case_access)
    return row.note_shared


def note_to_save(
    case_access: CaseAccess,
    row: ProtectiveMeasure | FollowUp | None,
    note: str | None,
    note_shared: bool | None,
) -> tuple[str, bool]:
    """The note and its sharing as a save by this reader leaves them. Police choose; what
    social services write is shared by definition; a note they may not read stays as it is
    (they neither see nor overwrite it)."""
    if case_access.is_police:
        shared = bool(note_shared) if note_shared is not None else bool(row and row.note_shared)
        return (note if note is not None else (row.note if row else "")), shared
    if row is not None and not shows_note(case_access, row):
        return row.note, row.note_shared
    return (note if note is not None else (row.note if row else "")), True


def writing_organisation_id(case_access: CaseAccess, party: str) -> int | None:
    """The organisation a new row of ``party`` belongs to: the recipient organisation that
    writes it; None for what the police write (for social services: any recipient)."""
    if case_access.is_police or party != Party.SOCIAL:
        return None
    return case_access.organisation.pk


def editable_parties(case_access: CaseAccess) -> list[str]:
    return [party for party in Party.values if may_edit_party(case_access, party)]


def may_edit_police_work(case_access: CaseAccess) -> bool:
    """Kontaktförbud, support information and closing: police with edit rights only."""
    return case_access.may_edit and case_access.is_police


def may_reopen(case_access: CaseAccess) -> bool:
    return case_access.via == "head"


def may_manage_legal_hold(case_access: CaseAccess) -> bool:
    return case_access.via == "head"


def may_plan_from_assessment(case_access: CaseAccess) -> bool:
    """A finalised risk assessment plans its recommended measures (each with its kind's
    default party) and the reassessment: police who may edit the case, or social services
    through an active disclosure (their own assessment)."""
    return case_access.may_edit or case_access.via == "disclosure"
