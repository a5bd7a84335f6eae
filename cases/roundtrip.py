"""Several read statements in one round trip to the database.

A list page's statements are each small (about a millisecond of PostgreSQL), and each also
costs a round trip in which the request waits for a database backend to wake up, read and
answer – on the two-core machine of issue 16 more than the statement itself. Statements
that do not need each other's answers are sent here as one message: PostgreSQL runs them
one after the other (each with its own snapshot, like separate queries in autocommit) and
returns one result set each. That needs client-side binding (Django's default cursor for
psycopg 3); a cursor that binds on the server, or SQLite, gets them one by one.

Only for reads: a statement that fails fails the message (and the statements after it are
not run), which for reads is the same as a query that fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connections


class Statement(NamedTuple):
    sql: str
    params: list[Any]


def sends_together(cursor: Any, vendor: str) -> bool:
    """Whether ``cursor`` (Django's wrapper) can send several statements in one message:
    PostgreSQL with client-side binding (a cursor that binds on the server refuses them)."""
    if vendor != "postgresql":
        return False
    import psycopg

    return isinstance(cursor.cursor, psycopg.ClientCursor)


def fetch_together(statements: list[Statement], using: str = "default") -> list[list[Any]]:
    """The rows of each statement, in the order given; one round trip where the connection
    allows (see the module's docstring)."""
    if not statements:
        return []
    connection = connections[using]
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
