"""SQL building blocks: everything is aggregated in the database, one query per table.

PostgreSQL is the production database; the embedded SQLite of ``make run`` gets a median
aggregate and a local-midnight function registered on each connection so that the same
queries run there too.
"""

from __future__ import annotations

import statistics as pystatistics
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, DateTimeField, FloatField, Func, IntegerField
from django.utils import timezone


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
        connection.connection.create_function(
            "skydd_local_midnight", 3, _sqlite_local_midnight, deterministic=True
        )


class LocalMidnight(Func):
    """The instant the local day ``days`` after a date column begins (in the current time
    zone, as ``TruncDate`` takes the local date): ``TruncDate(t) - day <= n`` is
    ``t < LocalMidnight(day, n + 1)``, one time-zone conversion per row of ``day`` instead of
    one per timestamp compared with it."""

    output_field = DateTimeField()

    def __init__(self, day: Any, days: int) -> None:
        super().__init__(day)
        self.days = days

    def _tzname(self) -> str:
        return timezone.get_current_timezone_name()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"((({sql}) + %s)::timestamp AT TIME ZONE %s)", (
            *params,
            self.days,
            self._tzname(),
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"skydd_local_midnight({sql}, %s, %s)", (*params, self.days, self._tzname())


def _sqlite_local_midnight(day: str | None, days: int, tzname: str) -> str | None:
    """SQLite's LocalMidnight: the UTC text Django stores a datetime as."""
    if day is None:
        return None
    start = datetime.combine(
        date.fromisoformat(day[:10]) + timedelta(days=days), time.min, ZoneInfo(tzname)
    )
    return start.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
