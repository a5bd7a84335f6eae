"""Who may do what on the joint protection plan, asked by views, templates and services.

Parties: police (a handler who may edit the case: responsible handler or head) and social
services (a reader through an active disclosure whose scope includes the plan). Each party
writes its own commitments in section 4 and neither can write the other's; the other
sections are joint text. Social services' commitments are one part per recipient
organisation (``OWN_PART``: the reader's own part, cases.models.PlanPart): a recipient
writes and reads only its own.
"""

from __future__ import annotations

from accounts.models import Organisation
from cases.access import CaseAccess
from cases.models import Party

JOINT_FIELDS = ("introduction", "threat_text", "measures_text", "follow_up_text")
EDITABLE_BY: dict[str, tuple[str, ...]] = {
    Party.POLICE: (*JOINT_FIELDS, "police_commitments"),
    Party.SOCIAL: (*JOINT_FIELDS, "social_commitments"),
}
# The form and service name of the reader's own part of section 4 (a recipient only).
OWN_PART = "social_commitments"


def party_of(case_access: CaseAccess) -> str | None:
    """The party this reader acts for on the plan, or None (read-only or no plan access)."""
    if case_access.is_police:
        # Break-the-glass access is read-only: a colleague never signs for the unit.
        return Party.POLICE if case_access.may_edit else None
    if case_access.shows("scope_plan"):
        return Party.SOCIAL
    return None


def may_write(case_access: CaseAccess) -> bool:
    return case_access.case.is_open and party_of(case_access) is not None


def part_organisation(case_access: CaseAccess) -> Organisation | None:
    """The recipient organisation whose part of the plan this reader writes and reads: the
    recipient of the reader's first active disclosure with the plan in scope. None for the
    police and for a reader without the plan."""
    if case_access.is_police:
        return None
    for disclosure in case_access.disclosures:
        if disclosure.scope_plan:
            return disclosure.recipient
    return None
