"""What a case row shows beside the case's own columns, read in ONE hand-written statement:
the protected-identity levels of the people a case protects, the next open follow-up and,
for the lists that show them, the responsible handlers' names.

The list pages (cases.listing.summarise) read these for 50 cases at a time. As three ORM
queries, building and compiling them cost about 2.5 ms of Python per page against 1 ms of
SQL (issue 16, profiled on the national data); written out, the statement is prepared once
in Python and its three parts run in one round trip. It decides nothing about access: the
case ids come from cases.access querysets, and summarise shows each part only within the
reader's scopes. Plain SQL that PostgreSQL and SQLite (``make run``) both read;
``tests/cases/test_rowfacts.py`` holds it equal to the ORM's answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cases.lookups import ids_condition
from cases.models import (
    FollowUp,
    Participant,
    Person,
    ProtectionCaseUserObjectPermission,
)
from cases.roundtrip import Pending, Statement, done, settle

# Kinds of the statement's rows, also its sort order (the names sort within their kind).
_PROTECTION, _DUE, _NAME = 1, 2, 3


@dataclass
class RowFacts:
    protections: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    next_due: dict[int, date] = field(default_factory=dict)
    names: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


def _statement(ids: list[int], names: bool) -> tuple[str, list[Any]]:
    participant, person = Participant._meta.db_table, Person._meta.db_table
    follow_up = FollowUp._meta.db_table
    parts: list[str] = []
    params: list[Any] = []
    cond, cond_params = ids_condition("pa.case_id", ids)
    parts.append(
        f"SELECT pa.case_id, {_PROTECTION}, pe.protection, NULL FROM {participant} pa "  # noqa: S608 - names and placeholders
        f"JOIN {person} pe ON pe.id = pa.person_id "
        f"WHERE {cond} AND pa.role <> %s AND pe.protection <> %s"
    )
    params += [*cond_params, Participant.Role.THREAT_ACTOR.value, Person.Protection.NONE.value]
    cond, cond_params = ids_condition("f.case_id", ids)
    parts.append(
        f"SELECT f.case_id, {_DUE}, NULL, MIN(f.due_date) FROM {follow_up} f "  # noqa: S608 - names and placeholders
        f"WHERE {cond} AND f.done_on IS NULL GROUP BY f.case_id"
    )
    params += cond_params
    if names:
        grant = ProtectionCaseUserObjectPermission._meta
        user = grant.get_field("user").related_model._meta.db_table
        permission = grant.get_field("permission").related_model._meta.db_table
        cond, cond_params = ids_condition("g.content_object_id", ids)
        parts.append(
            f"SELECT g.content_object_id, {_NAME}, u.full_name, NULL FROM {grant.db_table} g "  # noqa: S608 - names and placeholders
            f"JOIN {user} u ON u.id = g.user_id JOIN {permission} p ON p.id = g.permission_id "
            f"WHERE {cond} AND p.codename = %s"
        )
        params += [*cond_params, "change_protectioncase"]
    return " UNION ALL ".join(parts) + " ORDER BY 2, 3", params


def pending(case_ids: list[int], *, names: bool = False) -> Pending[RowFacts]:
    """``row_facts`` as a part of a page read in one round trip (cases.roundtrip)."""
    if not case_ids:
        return done(RowFacts())
    sql, params = _statement(case_ids, names)
    return Pending((Statement(sql, params, prepared=True),), lambda rows: _facts(rows[0]))


def _facts(rows: list[Any]) -> RowFacts:
    facts = RowFacts()
    for case_id, kind, text, due in rows:
        if kind == _PROTECTION:
            facts.protections[case_id].append(text)
        elif kind == _DUE:
            # SQLite hands a date back as its ISO text.
            facts.next_due[case_id] = due if isinstance(due, date) else date.fromisoformat(due)
        else:
            facts.names[case_id].append(text)
    return facts


def row_facts(case_ids: list[int], *, names: bool = False) -> RowFacts:
    """Per case id: the protection levels (other than none) of its participants who are not
    threat actors, the earliest due date of its open follow-ups, and with ``names`` the
    names of the handlers responsible for it (``change_protectioncase``), alphabetical."""
    (facts,) = settle([pending(case_ids, names=names)])
    return facts
