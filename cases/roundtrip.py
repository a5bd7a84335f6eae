"""Several read statements in one round trip to the database.

A list page's statements are each small (about a millisecond of PostgreSQL), and each also
costs a round trip in which the request waits for a database backend to wake up, read and
answer – on the two-core machine of issue 16 more than the statement itself. Statements
that do not need each other's answers are sent here as one message: PostgreSQL runs them
one after the other (each with its own snapshot, like separate queries in autocommit) and
returns one result set each. That needs client-side binding (Django's default cursor for
psycopg 3); a cursor that binds on the server, or SQLite, gets them one by one.

Statements marked ``prepared`` – the hand-written ones over a page's case ids, whose best
plan is the same whatever the ids – go instead through psycopg's pipeline mode as prepared
statements with server-side binding, still one round trip: PostgreSQL plans each once per
connection instead of on every page (the list's row statements spent 4.5 ms planning for
6 ms running, issue 16). The ORM's statements stay unprepared: their best plan depends on
the values (a unit of 40,000 cases or a handler's 200), and a generic plan made the
per-user report twice as slow.

Only for reads: a statement that fails fails the message (and the statements after it are
not run), which for reads is the same as a query that fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Self

import psycopg
from django.db import connections


class Statement(NamedTuple):
    sql: str
    params: list[Any]
    # Prepared on PostgreSQL (see the module's docstring): only for a statement whose plan
    # does not depend on its values.
    prepared: bool = False


def sends_together(cursor: Any, vendor: str) -> bool:
    """Whether ``cursor`` (Django's wrapper) can send several statements in one message:
    PostgreSQL with client-side binding (a cursor that binds on the server refuses them)."""
    if vendor != "postgresql":
        return False
    return isinstance(cursor.cursor, psycopg.ClientCursor)


def fetch_together(statements: list[Statement], using: str = "default") -> list[list[Any]]:
    """The rows of each statement, in the order given; one round trip where the connection
    allows (see the module's docstring)."""
    if not statements:
        return []
    connection = connections[using]
    if connection.vendor == "postgresql" and all(s.prepared for s in statements):
        return _prepared_together(connection, statements)
    with connection.cursor() as cursor:
        if len(statements) == 1 or not sends_together(cursor, connection.vendor):
            results = []
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                results.append(cursor.fetchall())
            return results
        cursor.execute(
            ";\n".join(statement.sql for statement in statements),
            [param for statement in statements for param in statement.params],
        )
        results = [cursor.fetchall()]
        while cursor.nextset():
            results.append(cursor.fetchall())
    if len(results) != len(statements):  # a statement that is really two
        raise RuntimeError(f"{len(statements)} statements gave {len(results)} results")
    return results


class _Preparing(psycopg.Cursor[Any]):
    """A server-binding cursor (Django's ServerBindingCursor is this and ``callproc``) whose
    every statement is prepared: Django's cursor wrapper calls ``execute(sql, params)``."""

    def execute(  # type: ignore[override]
        self, query: Any, params: Any = None, *, prepare: bool | None = None, **options: Any
    ) -> Self:
        return super().execute(query, params, prepare=True, **options)


def _prepared_together(connection: Any, statements: list[Statement]) -> list[list[Any]]:
    """The statements as prepared ones in one pipeline (one round trip), each on its own
    server-binding cursor wrapped as Django wraps its own: execute wrappers, the query log
    and Django's database errors apply as to any query."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        cursors = [connection._prepare_cursor(_Preparing(raw)) for _ in statements]
        try:
            with raw.pipeline():
                for cursor, statement in zip(cursors, statements, strict=True):
                    cursor.execute(statement.sql, statement.params)
            return [cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()


@dataclass(frozen=True)
class Pending[T]:
    """What a part of a page will read – its statements, none if it reads nothing or reads
    by itself – and how their rows become its answer (``finish`` gets one list of rows per
    statement). The case lists collect the parts of every app (cases.extensions) and read
    them in one round trip with ``settle``."""

    statements: tuple[Statement, ...]
    finish: Callable[[list[list[Any]]], T]


def done[T](value: T) -> Pending[T]:
    """A part that needs nothing read."""
    return Pending((), lambda _rows: value)


def later[T](compute: Callable[[], T]) -> Pending[T]:
    """A part that reads by itself (its own queries), when the others are read."""
    return Pending((), lambda _rows: compute())


def combine[T](parts: list[Pending[Any]], finish: Callable[[list[Any]], T]) -> Pending[T]:
    """One part made of ``parts``: their statements in order; ``finish`` gets their answers."""

    def answers(rows: list[list[Any]]) -> T:
        found, start = [], 0
        for part in parts:
            end = start + len(part.statements)
            found.append(part.finish(rows[start:end]))
            start = end
        return finish(found)

    return Pending(tuple(s for part in parts for s in part.statements), answers)


def settle(parts: list[Pending[Any]], using: str = "default") -> list[Any]:
    """Each part's answer, in order: every statement of every part in one round trip."""
    whole = combine(parts, lambda answers: answers)
    return whole.finish(fetch_together(list(whole.statements), using))
