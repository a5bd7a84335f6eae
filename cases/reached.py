"""The cases a user reaches one by one (``cases.access._reached``), as ONE hand-written
statement: assigned (guardian's view permission) in the user's police units, an active
break-the-glass grant on an unrestricted case of those units, an active police→social
disclosure that gives the user access (``access.active_disclosures_for``), with its scopes.

Every list, search, "Att göra" and start page asks this first. As an ORM union its
building and compiling cost 3–6 ms of Python per request on the national data against
well under a millisecond of SQL (issue 16, profiled by CPU time per request); written out
it costs a fraction of that. The rule is the ORM's, word for word:
``tests/cases/test_reached.py`` holds its rows equal to the union ``access`` built before
for every way into a case, and ``tests/cases/test_access_flat.py`` holds the resulting
openable and listable cases equal to the rule before issue 16. Plain SQL that PostgreSQL
and SQLite (``make run``) both read; table and column names come from the models and every
value is a parameter.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from cases.lookups import ids_condition
from cases.models import (
    BreakGlassAccess,
    Disclosure,
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
)

# (case id, unit id or None, restricted or None, the scope flags in ``names`` order,
#  whether the row is a disclosure's)
Row = tuple[Any, ...]


def _column(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).column)


def statement(
    *,
    user_id: int,
    units: list[int],
    social: list[int],
    social_heads: list[int],
    names: list[str],
    now: datetime,
    today: date,
) -> tuple[str, list[Any]]:
    """The statement and its parameters; ``units``/``social``: the user's police units and
    social-services organisations that count for access, ``social_heads`` those it heads."""
    case, grant = ProtectionCase._meta.db_table, ProtectionCaseUserObjectPermission._meta
    permission = grant.get_field("permission").related_model._meta.db_table
    glass, disclosure = BreakGlassAccess._meta.db_table, Disclosure._meta.db_table
    handlers = Disclosure.handlers.through._meta.db_table
    off = ", ".join(["FALSE"] * (len(names) + 1))
    parts: list[str] = []
    params: list[Any] = []
    if units:
        cond, cond_params = ids_condition("c.unit_id", units)
        parts.append(
            f"SELECT g.content_object_id, c.unit_id, c.restricted, {off} "  # noqa: S608 - names and placeholders
            f"FROM {grant.db_table} g JOIN {permission} p ON p.id = g.permission_id "
            f"JOIN {case} c ON c.id = g.content_object_id "
            f"WHERE g.user_id = %s AND p.content_type_id = %s AND p.codename = %s AND {cond}"
        )
        content_type = ContentType.objects.get_for_model(ProtectionCase).pk
        params += [user_id, content_type, "view_protectioncase", *cond_params]
        parts.append(
            f"SELECT b.case_id, c.unit_id, c.restricted, {off} "  # noqa: S608 - names and placeholders
            f"FROM {glass} b JOIN {case} c ON c.id = b.case_id "
            f"WHERE b.user_id = %s AND b.expires_at > %s AND {cond} AND NOT c.restricted"
        )
        params += [user_id, now, *cond_params]
    if social:
        flags = ", ".join(f"d.{_column(Disclosure, name)}" for name in names)
        # Unit and restricted decide nothing without police units: the case is not joined.
        on_case = "c.unit_id, c.restricted" if units else "NULL, NULL"
        join = f"JOIN {case} c ON c.id = d.case_id " if units else ""
        to, to_params = ids_condition("d.recipient_id", social)
        mine = f"d.id IN (SELECT h.disclosure_id FROM {handlers} h WHERE h.user_id = %s)"  # noqa: S608 - a name
        mine_params: list[Any] = [user_id]
        if social_heads:
            headed, headed_params = ids_condition("d.recipient_id", social_heads)
            mine, mine_params = f"({mine} OR {headed})", [*mine_params, *headed_params]
        parts.append(
            f"SELECT d.case_id, {on_case}, {flags}, TRUE FROM {disclosure} d {join}"  # noqa: S608 - names and placeholders
            "WHERE d.withdrawn_at IS NULL AND d.valid_from <= %s "
            "AND (d.valid_until IS NULL OR d.valid_until >= %s) "
            f"AND d.direction = %s AND {to} AND {mine}"
        )
        params += [today, today, Disclosure.Direction.TO_SOCIAL.value, *to_params, *mine_params]
    return " UNION ".join(parts), params


def rows(**arguments: Any) -> list[Row]:
    """The statement's rows (no parts: none), booleans as booleans on both databases."""
    sql, params = statement(**arguments)
    if not sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if connection.vendor == "postgresql":
        return found
    return [
        (pk, unit, None if restricted is None else bool(restricted), *map(bool, rest))
        for pk, unit, restricted, *rest in found
    ]
