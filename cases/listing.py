"""What matters on every case row and in the case header, in a fixed number of queries.

Every case list ("Ärenden", "Mina ärenden", "Att göra", "Delade med oss") and the case
header show the same summary of a case: the latest risk level(s), the strongest
protected-identity level of the people it protects, the next follow-up (overdue said in
words, not only in red) and the flags other apps add (e.g. a device on loan). ``summarise``
fills ``case.summary`` for a page of cases with one query per part – never one per row:

- protection levels: 1 query; next follow-ups: 1 query; the reader's disclosures: 1 query
  (social services only); each ``case_risk_levels`` and ``case_flags`` provider: its own
  fixed number (riskassessment 1, alarms 1).

What a reader sees follows cases.access: a police member of the case's unit sees all of it;
social services see the risk level only with a disclosed risk scope, the protection level
only with the persons scope, the follow-up only with the measures scope, and never flags
(device details are police-only). Nothing here grants access: the rows come from
cases.access querysets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Min
from django.utils import timezone

from accounts.models import User
from cases import access, extensions
from cases.models import FollowUp, Participant, Person, ProtectionCase

# Strongest first wins: a case shows the strongest level among the people it protects.
PROTECTION_RANK: dict[str, int] = {
    Person.Protection.NONE.value: 0,
    Person.Protection.SEKRETESSMARKERING.value: 1,
    Person.Protection.SKYDDAD_FOLKBOKFORING.value: 2,
    Person.Protection.FINGERADE.value: 3,
}


@dataclass(frozen=True)
class ListReader:
    """Who is reading a list: enough for providers to apply cases.access's rules per row."""

    user_id: int
    police_unit_ids: frozenset[int]
    social_org_ids: frozenset[int]
    # Social services: per case id, the scopes of the reader's active disclosures.
    disclosed_scopes: Mapping[int, frozenset[str]] = field(default_factory=dict)
    # The listed cases of the reader's own police units.
    police_case_ids: frozenset[int] = frozenset()

    def is_police_for(self, case: ProtectionCase) -> bool:
        return case.unit_id in self.police_unit_ids

    def shows(self, case: ProtectionCase, scope: str) -> bool:
        if self.is_police_for(case):
            return True
        return scope in self.disclosed_scopes.get(case.pk, frozenset())


@dataclass(frozen=True)
class RiskLevel:
    """One risk level of a case. ``label`` says whom or what it concerns (the threat actor
    once assessments name one; the instrument until then)."""

    label: str
    level: str  # "low" | "medium" | "high"
    display: str


@dataclass
class CaseSummary:
    risk_levels: list[RiskLevel] | None = None  # None: not shown to this reader
    protection: str = ""  # Person.Protection code; "" when not shown
    protection_display: str = ""
    shows_follow_up: bool = False
    next_follow_up: date | None = None
    overdue: bool = False
    missing_follow_up: bool = False
    flags: list[str] = field(default_factory=list)

    @property
    def has_protection(self) -> bool:
        return self.protection not in ("", Person.Protection.NONE)


def reader_for(
    user: User, case_ids: Iterable[int] = (), police_case_ids: Iterable[int] = ()
) -> ListReader:
    social = frozenset(access.social_org_ids(user))
    scopes: dict[int, frozenset[str]] = {}
    ids = list(case_ids)
    if social and ids:
        merged: dict[int, set[str]] = defaultdict(set)
        for disclosure in access.active_disclosures_for(user).filter(case_id__in=ids):
            merged[disclosure.case_id] |= disclosure.scope()
        scopes = {pk: frozenset(s) for pk, s in merged.items()}
    return ListReader(
        user_id=user.pk,
        police_unit_ids=frozenset(access.police_unit_ids(user)),
        social_org_ids=social,
        disclosed_scopes=scopes,
        police_case_ids=frozenset(police_case_ids),
    )


def _protection_levels(case_ids: list[int]) -> dict[int, str]:
    """The strongest protection among the non-threat-actor participants of each case."""
    strongest: dict[int, str] = {}
    rows = (
        Participant.objects.filter(case_id__in=case_ids)
        .exclude(role=Participant.Role.THREAT_ACTOR)
        .exclude(person__protection=Person.Protection.NONE)
        .values_list("case_id", "person__protection")
    )
    for case_id, level in rows:
        if PROTECTION_RANK.get(level, 0) > PROTECTION_RANK.get(strongest.get(case_id, ""), 0):
            strongest[case_id] = level
    return strongest


def _next_follow_ups(case_ids: list[int]) -> dict[int, date]:
    rows = (
        FollowUp.objects.open()
        .filter(case_id__in=case_ids)
        .values("case_id")
        .annotate(due=Min("due_date"))
        .values_list("case_id", "due")
    )
    return dict(rows)


def summarise[C: ProtectionCase](user: User, cases: Iterable[C]) -> list[C]:
    """Set ``case.summary`` (a CaseSummary) on each case; the same cases back, in order."""
    cases = list(cases)
    ids = list(dict.fromkeys(c.pk for c in cases))
    if not ids:
        return cases
    units = set(access.police_unit_ids(user))
    reader = reader_for(user, ids, [c.pk for c in cases if c.unit_id in units])
    protection = _protection_levels(ids)
    follow_ups = _next_follow_ups(ids)
    risks: dict[int, list[RiskLevel]] = defaultdict(list)
    for provider in extensions.case_risk_levels:
        for case_id, levels in provider(ids, reader).items():
            risks[case_id].extend(levels)
    flags: dict[int, list[str]] = defaultdict(list)
    police_ids = [c.pk for c in cases if reader.is_police_for(c)]
    if police_ids:
        for flag_provider in extensions.case_flags:
            for case_id, case_flags in flag_provider(police_ids).items():
                flags[case_id].extend(case_flags)
    today = timezone.localdate()
    labels = dict(Person.Protection.choices)
    for case in cases:
        summary = CaseSummary()
        if reader.shows(case, "scope_risk_summary") or reader.shows(case, "scope_risk_full"):
            summary.risk_levels = risks.get(case.pk, [])
        elif case.pk in risks:  # social services' own assessments are theirs to read
            summary.risk_levels = risks[case.pk]
        if reader.shows(case, "scope_persons"):
            summary.protection = protection.get(case.pk, Person.Protection.NONE)
            summary.protection_display = str(labels[summary.protection])
        if reader.shows(case, "scope_measures"):
            summary.shows_follow_up = True
            summary.next_follow_up = follow_ups.get(case.pk)
            summary.overdue = bool(summary.next_follow_up and summary.next_follow_up < today)
            summary.missing_follow_up = summary.next_follow_up is None and case.is_open
        summary.flags = flags.get(case.pk, [])
        case.summary = summary  # type: ignore[attr-defined]
    return cases
