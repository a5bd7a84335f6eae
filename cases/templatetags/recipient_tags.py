"""Names as the reader may see them: a recipient never sees another recipient organisation
or its staff (``cases.recipients.shown_user`` / ``shown_organisation``)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Organisation, User
from cases import access, recipients
from cases.models import PlanConfirmation

register = template.Library()


@register.filter
def seen_by(user: User | None, case_access: access.CaseAccess | None) -> str:
    """``{{ entry.author|seen_by:access }}``: the name, or "annan mottagare"."""
    if user is None:
        return ""
    if case_access is None:
        return user.full_name
    return recipients.shown_user(case_access, user)


@register.filter
def org_seen_by(organisation: Organisation | None, case_access: access.CaseAccess | None) -> str:
    if organisation is None:
        return ""
    if case_access is None:
        return organisation.name
    return recipients.shown_organisation(case_access, organisation)


@register.filter
def confirmer(confirmation: PlanConfirmation, case_access: access.CaseAccess | None) -> str:
    """Who confirmed a plan version, as this reader may see it."""
    if case_access is None or recipients.shows_confirmation(
        case_access, confirmation.party, confirmation.organisation_id
    ):
        return confirmation.user_name
    return str(recipients.OTHER_RECIPIENT)


@register.filter
def confirmer_org(confirmation: PlanConfirmation, case_access: access.CaseAccess | None) -> str:
    if case_access is None or recipients.shows_confirmation(
        case_access, confirmation.party, confirmation.organisation_id
    ):
        return confirmation.organisation_name
    return str(recipients.OTHER_RECIPIENT)


@register.filter
def note_for(row: Any, case_access: access.CaseAccess | None) -> str:
    """A measure's or follow-up's note if this reader may read it (police-internal unless
    social services wrote it or the police shared it), else empty."""
    from cases.casework.policy import shows_note

    if case_access is None or shows_note(case_access, row):
        return str(row.note)
    return ""


@register.filter
def outcome_for(row: Any, case_access: access.CaseAccess | None) -> str:
    """A follow-up's outcome, read like its note (``note_for``): police-internal unless
    social services wrote the follow-up or the police shared its text."""
    from cases.casework.policy import shows_note

    if case_access is None or shows_note(case_access, row):
        return str(row.outcome)
    return ""
