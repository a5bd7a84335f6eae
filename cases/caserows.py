"""Rows that several sections of the case page read, read once per CaseAccess (that is once
per request: a CaseAccess is made for one request, see ``CaseAccess.remember``).

The header, the person cards, the risk, case-work and sharing sections each read the case's
participants, follow-ups or disclosures; read section by section they were a third of the
page's queries (issue 16). Nothing here decides access: each caller still shows only what
its CaseAccess scopes allow, and the rows are those of the reader's own case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Value, When

from cases.models import Disclosure, FollowUp, Participant

if TYPE_CHECKING:
    from cases.access import CaseAccess

ROLE_ORDER = [
    Participant.Role.PROTECTED,
    Participant.Role.RELATIVE,
    Participant.Role.CHILD,
    Participant.Role.THREAT_ACTOR,
]


def role_ordering() -> Case:
    return Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)],
        output_field=IntegerField(),
    )


def participants(case_access: CaseAccess) -> list[Participant]:
    """The case's participants with their persons and the persons' secret dwellings, in
    role order. Personal data: for readers whose scope includes persons only."""
    if not case_access.shows("scope_persons"):
        raise ValueError("The persons are not within this reader's scope.")
    return case_access.remember(
        "participants",
        lambda: list(
            case_access.case.participants.select_related("person")
            .prefetch_related("person__secret_dwellings")
            .order_by(role_ordering(), "created_at")
        ),
    )


def threat_actors(case_access: CaseAccess) -> list[Participant]:
    """The threat actors in the order they joined the case (their numbers: "Hotutövare 2")."""
    actors = [p for p in participants(case_access) if p.role == Participant.Role.THREAT_ACTOR]
    return sorted(actors, key=lambda p: (p.created_at, p.pk))


def disclosures(case_access: CaseAccess) -> list[Disclosure]:
    """Police readers: every disclosure of the case, newest first, with its recipient.
    Anyone else: only the reader's own active disclosures (never who else got the case)."""
    if not case_access.is_police:
        return list(case_access.disclosures)
    return case_access.remember(
        "disclosures",
        lambda: list(
            case_access.case.disclosures.select_related("recipient").order_by("-valid_from", "-pk")
        ),
    )


def follow_ups(case_access: CaseAccess) -> list[FollowUp]:
    """The case's follow-ups as the case-work section lists them (open ones first by due
    date, then done ones, latest first). Within the "scope_measures" scope only."""
    if not case_access.shows("scope_measures"):
        raise ValueError("The follow-ups are not within this reader's scope.")
    from cases.casework.services.reading import follow_ups_for

    return case_access.remember("follow_ups", lambda: list(follow_ups_for(case_access.case)))
