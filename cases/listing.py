"""What matters on every case row and in the case header, in a fixed number of queries.

Every case list ("Ärenden", "Mina ärenden", "Att göra", "Delade med oss") and the case
header show the same summary of a case: the latest risk level(s), the strongest
protected-identity level of the people it protects, the next follow-up (overdue said in
words, not only in red) and the flags other apps add (e.g. a device on loan). ``summarise``
fills ``case.summary`` for a page of cases in a fixed number of queries – never one per row:

- protection levels, next follow-ups and (for the lists that show them) the responsible
  handlers: 1 statement (cases.rowfacts); each ``case_risk_levels`` and ``case_flags``
  provider: its own fixed number of statements (riskassessment 1 per kind of reader on the
  page, alarms 1) – all of them sent in ONE round trip (cases.roundtrip.settle); the
  reader's disclosures: 1 query (social services only, unless ``access.list_access`` read
  them with the list).

What a reader sees follows cases.access: a police member of the case's unit sees all of it;
social services see the risk level only with a disclosed risk scope, the protection level
only with the persons scope, the follow-up only with the measures scope, and never flags
(device details are police-only). Nothing here grants access: the rows come from
cases.access querysets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from math import ceil
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format

from accounts.models import User
from cases import access, caserows, extensions, roundtrip, rowfacts
from cases.models import (
    Participant,
    Person,
    ProtectionCase,
)
from cases.roundtrip import Statement

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
    # Per case id, its threat actors' participant ids in the order they joined, where the
    # caller has read them already (the case page); providers read them otherwise.
    threat_actors: Mapping[int, list[int]] = field(default_factory=dict)
    # The case page's access to its one case: providers may skip rows the case has none of
    # (cases.caserows.has) and share what its sections read (CaseAccess.remember).
    page: access.CaseAccess | None = None

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
    # The case's category and status in words, looked up once per list: Django's
    # get_FOO_display() rebuilds the choices per call (a fifth of the rows' render time).
    category_display: str = ""
    status_display: str = ""

    @property
    def has_protection(self) -> bool:
        return self.protection not in ("", Person.Protection.NONE)


def reader_for(
    user: User,
    case_ids: Iterable[int] = (),
    police_case_ids: Iterable[int] = (),
    disclosed: Mapping[int, frozenset[str]] | None = None,
) -> ListReader:
    """``disclosed``: the scopes per case as ``access.list_access`` read them with the list
    (then not read again here); by default read for ``case_ids``."""
    social = frozenset(access.social_org_ids(user))
    scopes: dict[int, frozenset[str]] = {}
    ids = list(case_ids)
    if social and ids and disclosed is not None:
        scopes = {pk: disclosed[pk] for pk in ids if pk in disclosed}
    elif social and ids:
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


def _strongest(levels: Iterable[str]) -> str:
    """The strongest protection level among ``levels`` ("" for none)."""
    strongest = ""
    for level in levels:
        if PROTECTION_RANK.get(level, 0) > PROTECTION_RANK.get(strongest, 0):
            strongest = level
    return strongest


def _page_parts(
    case_access: access.CaseAccess,
) -> tuple[ListReader, dict[int, str], dict[int, date]]:
    """The reader, protection level and next follow-up of the case page's one case, from
    the rows its sections read anyway (cases.caserows), within the reader's scopes."""
    case = case_access.case
    police = case_access.is_police
    reader = ListReader(
        user_id=case_access.user.pk,
        police_unit_ids=frozenset(access.police_unit_ids(case_access.user)),
        social_org_ids=frozenset(access.social_org_ids(case_access.user)),
        disclosed_scopes={} if police else {case.pk: case_access.scopes},
        police_case_ids=frozenset([case.pk] if police else []),
        page=case_access,
    )
    protection: dict[int, str] = {}
    if case_access.shows("scope_persons"):
        rows = caserows.participants(case_access)
        reader = replace(
            reader, threat_actors={case.pk: [p.pk for p in caserows.threat_actors(case_access)]}
        )
        strongest = _strongest(
            p.person.protection for p in rows if p.role != Participant.Role.THREAT_ACTOR
        )
        if strongest:
            protection[case.pk] = strongest
    follow_ups: dict[int, date] = {}
    if case_access.shows("scope_measures"):
        due = [f.due_date for f in caserows.follow_ups(case_access) if f.done_on is None]
        if due:
            follow_ups[case.pk] = min(due)
    return reader, protection, follow_ups


def summarise[C: ProtectionCase](
    user: User,
    cases: Iterable[C],
    disclosed: Mapping[int, frozenset[str]] | None = None,
    *,
    case_access: access.CaseAccess | None = None,
    responsible_names: bool = False,
) -> list[C]:
    """Set ``case.summary`` (a CaseSummary) on each case; the same cases back, in order.
    ``disclosed``: see ``reader_for``; ``case_access``: the case page's one case,
    summarised from its sections' rows; ``responsible_names``: also set
    ``case.responsible_names``, the responsible handlers' names in alphabetical order (read
    in the same statement as the protection levels and follow-ups, cases.rowfacts)."""
    cases = list(cases)
    ids = list(dict.fromkeys(c.pk for c in cases))
    if not ids:
        return cases
    facts_part: roundtrip.Pending[rowfacts.RowFacts | None] = roundtrip.done(None)
    if case_access is not None and ids == [case_access.case.pk]:
        reader, protection, follow_ups = _page_parts(case_access)
    else:
        units = set(access.police_unit_ids(user))
        reader = reader_for(user, ids, [c.pk for c in cases if c.unit_id in units], disclosed)
        facts_part = rowfacts.pending(ids, names=responsible_names)
    # The row facts, every app's risk levels and flags: one round trip (cases.roundtrip).
    police_ids = [c.pk for c in cases if reader.is_police_for(c)]
    risk_parts = [provider(ids, reader) for provider in extensions.case_risk_levels]
    flag_parts = [provider(police_ids) for provider in extensions.case_flags] if police_ids else []
    facts, *answers = roundtrip.settle([facts_part, *risk_parts, *flag_parts])
    if facts is not None:
        protection = {
            pk: level for pk, levels in facts.protections.items() if (level := _strongest(levels))
        }
        follow_ups = facts.next_due
        if responsible_names:
            for case in cases:
                case.responsible_names = facts.names.get(case.pk, [])  # type: ignore[attr-defined]
    risks: dict[int, list[RiskLevel]] = defaultdict(list)
    for found in answers[: len(risk_parts)]:
        for case_id, levels in found.items():
            risks[case_id].extend(levels)
    flags: dict[int, list[str]] = defaultdict(list)
    for found in answers[len(risk_parts) :]:
        for case_id, case_flags in found.items():
            flags[case_id].extend(case_flags)
    today = timezone.localdate()
    labels = {k: str(v) for k, v in Person.Protection.choices}  # translated once per list
    categories = {k: str(v) for k, v in ProtectionCase.Category.choices}
    statuses = {k: str(v) for k, v in ProtectionCase.Status.choices}
    for case in cases:
        summary = CaseSummary(
            category_display=categories.get(case.category, case.category),
            status_display=statuses.get(case.status, case.status),
        )
        if reader.shows(case, "scope_risk_summary") or reader.shows(case, "scope_risk_full"):
            summary.risk_levels = risks.get(case.pk, [])
        elif case.pk in risks:  # social services' own assessments are theirs to read
            summary.risk_levels = risks[case.pk]
        if reader.shows(case, "scope_persons"):
            summary.protection = protection.get(case.pk, Person.Protection.NONE)
            summary.protection_display = labels[summary.protection]
        if reader.shows(case, "scope_measures"):
            summary.shows_follow_up = True
            summary.next_follow_up = follow_ups.get(case.pk)
            summary.overdue = bool(summary.next_follow_up and summary.next_follow_up < today)
            summary.missing_follow_up = summary.next_follow_up is None and case.is_open
        summary.flags = flags.get(case.pk, [])
        case.summary = summary  # type: ignore[attr-defined]
    return cases


# A list counts at most this many rows and then says "över 10 000": counting a unit of
# 40,000 cases on every page was most of the page's time (issue 16).
COUNT_LIMIT = 10_000
# The page number is used before the count is known (both are read in one round trip): a
# number from a hand-made URL must still give an OFFSET that PostgreSQL's bigint holds.
MAX_PAGE = 1_000_000_000


class BoundedPaginator:
    """Pages of a case list that never count or sort a whole unit: the count stops after
    ``limit`` rows, and a page is fetched as its ids first (from the ordered index, with no
    per-row work for the rows skipped), then only those rows from ``rows``.

    ``ids`` is the filtered, ordered ``values_list("pk", flat=True)`` of the list, ordered
    by plain fields; ``rows`` says which columns the page's rows read (the model's
    ``only()``/``defer()``, no filter of its own). The pages have the attributes of Django's
    ``Page`` that the templates read."""

    def __init__(
        self,
        ids: QuerySet[ProtectionCase, int],
        rows: QuerySet[ProtectionCase],
        per_page: int,
        limit: int | None = None,
    ) -> None:
        query = ids.query
        if query.distinct or query.combinator or query.group_by or query.is_sliced:
            raise ValueError("ids: a plain filtered queryset (its SQL is composed around)")
        if not query.order_by or not all(isinstance(o, str) for o in query.order_by):
            raise ValueError("ids: ordered by field names")
        if rows.query.where:
            raise ValueError("rows: only the columns to read, no filter")
        self.ids, self.rows, self.per_page = ids, rows, per_page
        self.limit = COUNT_LIMIT if limit is None else limit

    @cached_property
    def count(self) -> int:
        """The number of rows, but never more than ``limit + 1`` (see ``capped``)."""
        return self.ids.order_by()[: self.limit + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.limit

    @property
    def limit_display(self) -> str:
        return number_format(self.limit, force_grouping=True)  # "10 000"

    @property
    def num_pages(self) -> int | None:
        """None when the count stopped at the limit (the page then only knows "Nästa")."""
        return None if self.capped else max(1, ceil(self.count / self.per_page))

    def _statements(self, number: int) -> tuple[Statement, Statement, list[str]]:
        """The bounded count, the page's rows (one past it, for "Nästa") and the names of
        their columns. The list's condition is compiled once, for both: compiling it (the
        access rule and the filters) twice, and the rows' query around it, was 2 ms of
        Python per page (issue 16, profiled). The window of ids is a subquery: PostgreSQL
        runs it once from the index and reads only those rows."""
        query = self.ids.order_by().query
        ids_sql, params = query.sql_with_params()
        model = self.rows.model
        table, qn = model._meta.db_table, connections[self.rows.db].ops.quote_name
        order = ", ".join(
            f"{qn(table)}.{qn(_column(model, name.lstrip('-')))}"
            + (" DESC" if name.startswith("-") else " ASC")
            for name in map(str, self.ids.query.order_by)
        )
        offset = (number - 1) * self.per_page
        window = f"{ids_sql} ORDER BY {order} LIMIT {self.per_page + 1} OFFSET {offset}"
        # The columns of ``rows`` (its only()/defer()) in the model's order, which from_db
        # expects.
        names, deferring = self.rows.query.deferred_loading
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.primary_key or ((f.attname in names or f.name in names) != deferring)
        ]
        columns = ", ".join(f"{qn(table)}.{qn(str(f.column))}" for f in fields)
        pk = f"{qn(table)}.{qn(_column(model, 'pk'))}"
        # Django's compiled SQL, quoted names and integers; every value is a parameter.
        count = f"SELECT COUNT(*) FROM ({ids_sql} LIMIT {self.limit + 1}) counted"  # noqa: S608
        rows = f"SELECT {columns} FROM {qn(table)} WHERE {pk} IN ({window}) ORDER BY {order}"  # noqa: S608
        return (
            Statement(count, list(params)),
            Statement(rows, list(params)),
            [f.attname for f in fields],
        )

    def _page(self, number: int, fields: list[str], found: list[Any]) -> BoundedPage:
        model, db = self.rows.model, self.rows.db
        rows = [model.from_db(db, fields, row) for row in found[: self.per_page]]
        return BoundedPage(rows, number, self, more=len(found) > self.per_page)

    def get_page(self, number: object) -> BoundedPage:
        """The page ``number`` (the last one where it is past the end). Its rows and the
        count are read in one round trip (cases.roundtrip); only a number past the end
        needs a second."""
        try:
            wanted = min(max(1, int(str(number))), MAX_PAGE)
        except ValueError:
            wanted = 1
        try:
            count, rows, fields = self._statements(wanted)
        except EmptyResultSet:  # e.g. no unit at all: nothing to ask the database
            self.__dict__["count"] = 0
            return BoundedPage([], 1, self, more=False)
        if "count" in self.__dict__:
            (found,) = roundtrip.fetch_together([rows], self.rows.db)
        else:
            counted, found = roundtrip.fetch_together([count, rows], self.rows.db)
            self.__dict__["count"] = counted[0][0]
        if self.num_pages is not None and wanted > self.num_pages:
            wanted = self.num_pages
            _count, rows, fields = self._statements(wanted)
            (found,) = roundtrip.fetch_together([rows], self.rows.db)
        return self._page(wanted, fields, found)


def _column(model: Any, name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return str(field.column)


@dataclass
class BoundedPage:
    object_list: list[ProtectionCase]
    number: int
    paginator: BoundedPaginator
    more: bool  # one row past the page was found

    def __iter__(self) -> Iterator[ProtectionCase]:
        return iter(self.object_list)

    def has_next(self) -> bool:
        return self.more

    def __len__(self) -> int:
        return len(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
