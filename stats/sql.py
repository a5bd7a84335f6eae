"""SQL building blocks: everything is aggregated in the database, one query per table.

PostgreSQL is the production database; the embedded SQLite of ``make run`` gets a median
aggregate registered on each connection so that the same queries run there too.
"""

from __future__ import annotations

import statistics as pystatistics
from typing import Any

from django.db.models import Aggregate, FloatField, Func, IntegerField


class Median(Aggregate):
    """The median of an expression (``percentile_cont(0.5)``), NULL for no rows."""

    function = "percentile_cont"
    name = "Median"
    output_field = FloatField()
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="skydd_median(%(expressions)s)%(filter)s",
            **extra_context,
        )


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two dates)."""

    output_field = IntegerField()
    arg_joiner = " - "
    template = "(%(expressions)s)"

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return pystatistics.median(self.values) if self.values else None


def register_sqlite_median(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("skydd_median", 1, _SqliteMedian)
