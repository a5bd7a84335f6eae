"""Reads of the statistics figures from a replica (``STATISTICS_DATABASE_URL``), nothing else.

A model-based router cannot tell the statistics page's ``ProtectionCase`` query from the case
list's, so the figures opt in: inside ``statistics_reads()`` (``stats.presentation.
build_sections`` only) reads go to ``settings.STATISTICS_DATABASE``. Everything else stays on
the primary, in particular every access decision – a membership or a disclosure revoked a
moment ago must not still count on a replica that lags – and every write (a hot standby
refuses them anyway). The statistics scope is decided before the figures are read, on the
primary. With ``STATISTICS_DATABASE_URL`` unset the alias is "default" and this router
changes nothing.

What lag costs: a case opened or closed in the last seconds is missing from this month's
count until the replica replays it; the figures are aggregates over months, shown as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

STATISTICS_ALIAS = "statistics"
_statistics_reads: ContextVar[bool] = ContextVar("statistics_reads", default=False)


@contextmanager
def statistics_reads() -> Iterator[str]:
    """Route the reads inside to the statistics database; yields its alias."""
    token = _statistics_reads.set(True)
    try:
        yield settings.STATISTICS_DATABASE
    finally:
        _statistics_reads.reset(token)


class StatisticsReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _statistics_reads.get() and settings.STATISTICS_DATABASE != "default":
            return str(settings.STATISTICS_DATABASE)
        return None  # Django's default: the primary

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # A row read from the replica is the same row as on the primary.
        aliases = {obj1._state.db, obj2._state.db}
        return True if aliases <= {"default", STATISTICS_ALIAS} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: migrations run on the primary only.
        return False if db == STATISTICS_ALIAS else None
