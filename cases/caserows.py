"""Rows that several sections of the case page read, read once per CaseAccess (that is once
per request: a CaseAccess is made for one request, see ``CaseAccess.remember``).

The header, the person cards, the risk, case-work and sharing sections each read the case's
participants, follow-ups or disclosures; read section by section they were a third of the
page's queries (issue 16). Nothing here decides access: each caller still shows only what
its CaseAccess scopes allow, and the rows are those of the reader's own case.

Most cases have no kontaktförbud, no plan, no loan, no legal hold; each section asked anyway,
about 1 ms of Python per ORM query for an empty answer (issue 16, profiled on the national
data). ``has`` asks once, in one hand-written statement, which of those kinds of rows the
case has at all (the models in ``extensions.case_page_rows``); a section skips its reading
where the answer is none, and reads exactly as before otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Case, IntegerField, Value, When

from cases import extensions
from cases.models import (
    CaseClosure,
    ContactBan,
    Disclosure,
    FollowUp,
    LegalHold,
    Participant,
    ProtectionPlan,
    SecretDwelling,
    SupportInformation,
)

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
        lambda: sorted(case_access.case.participants.select_related("person"), key=_role_order),
    )


_ROLE_RANK: dict[str, int] = {str(role): rank for rank, role in enumerate(ROLE_ORDER)}


def _role_order(participant: Participant) -> tuple[int, Any, int]:
    """``order_by(role_ordering(), "created_at")`` – then the id, where the database left
    equal rows in any order – sorted in Python: building the CASE expression of the ORM's
    ordering was 2 ms of a 4 ms query on every case page (issue 16, national data)."""
    rank = _ROLE_RANK.get(participant.role, len(ROLE_ORDER))
    return rank, participant.created_at, participant.pk


def dwellings(case_access: CaseAccess) -> list[SecretDwelling]:
    """The secret dwellings registered in this case (a dwelling of another case is never
    shown through this one, ``CaseAccess.sees_dwelling``), in the order they were added.
    Callers filter them with ``sees_dwelling``."""
    if not has(case_access, SecretDwelling):
        return []
    return case_access.remember(
        "dwellings",
        lambda: list(SecretDwelling.objects.filter(case=case_access.case).order_by("pk")),
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
    if not has(case_access, Disclosure):
        return []
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


def _probed() -> list[Any]:
    """The models ``has`` answers for: the case's own rarer rows, then the other apps'."""
    own = [SecretDwelling, Disclosure, ContactBan, SupportInformation, LegalHold, CaseClosure]
    return list(dict.fromkeys([*own, ProtectionPlan, *extensions.case_page_rows]))


def has(case_access: CaseAccess, model: Any) -> bool:
    """Whether the case has any row of ``model`` (a model with a ``case`` foreign key). The
    first call asks for every probed model at once (one statement; plain SQL for PostgreSQL
    and SQLite, ``tests/cases/test_caserows.py`` holds it to the ORM's answer); a model that
    is not probed is assumed present, so that its section reads as it always did."""
    found: frozenset[str] = case_access.remember("present", lambda: _present(case_access))
    label = model._meta.label_lower
    return label in found or label not in {m._meta.label_lower for m in _probed()}


def _present(case_access: CaseAccess) -> frozenset[str]:
    """The labels of the probed models the case has rows of; each part answers with its
    model's position in ``_probed()``."""
    models = _probed()
    parts = []
    for number, model in enumerate(models):
        meta = model._meta
        column = meta.get_field("case").column
        parts.append(
            f"SELECT {number} WHERE EXISTS (SELECT 1 FROM {meta.db_table} WHERE {column} = %s)"  # noqa: S608 - names and placeholders
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [case_access.case.pk] * len(parts))
        return frozenset(models[number]._meta.label_lower for (number,) in cursor.fetchall())
