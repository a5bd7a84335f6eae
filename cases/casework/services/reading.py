"""Read helpers for the case-work pages and the case panel."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from cases.access import CaseAccess
from cases.casework.services.followups import _with_overdue
from cases.models import (
    ContactBan,
    FollowUp,
    Participant,
    ProtectionCase,
    ProtectiveMeasure,
    SupportInformation,
)


def measures_for(case: ProtectionCase) -> QuerySet[ProtectiveMeasure]:
    return case.measures.select_related("kind").order_by(
        "kind__category", "kind__order", "start_date", "pk"
    )


def contact_bans_for(case: ProtectionCase) -> QuerySet[ContactBan]:
    return (
        case.contact_bans.select_related(
            "protected_participant__person", "restricted_participant__person"
        )
        .annotate(breach_count=Count("breaches"))
        .order_by("-valid_from", "-pk")
    )


def follow_ups_for(case: ProtectionCase) -> QuerySet[FollowUp]:
    """Open follow-ups first (by due date), then done ones (latest first)."""
    qs = case.follow_ups.select_related("assignee").order_by(
        F("done_on").desc(nulls_first=True), "due_date", "pk"
    )
    return _with_overdue(qs, timezone.localdate())


def support_information_for(case: ProtectionCase) -> QuerySet[SupportInformation]:
    return case.support_information.select_related(
        "participant__person", "organisation", "informed_by"
    ).order_by("-informed_on", "-pk")


def participant_label(participant: Participant, case_access: CaseAccess) -> str:
    """Role, and the name only for readers whose scope includes persons."""
    role = participant.get_role_display()
    if case_access.shows("scope_persons"):
        return f"{role}: {participant.person.full_name}"
    return role
