"""Verification of the access log's hash chain (``manage.py verify_access_log``)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import AccessLogEntry
from cases.models.accesslog import GENESIS_HASH


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head: str
    broken_at: int | None = None  # id of the first row whose link or hash does not hold
    reason: str = ""  # "changed": the row's own hash; "link": a row before it is missing/changed

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the log in id order; report the first row that breaks the chain. Only ids and
    hashes leave this function – never a row's contents."""
    prev = GENESIS_HASH
    rows = 0
    for entry in AccessLogEntry.objects.order_by("pk").iterator(chunk_size=chunk_size):
        rows += 1
        if entry.prev_hash != prev:
            return ChainReport(rows, prev, broken_at=entry.pk, reason="link")
        if entry.row_hash != entry.expected_hash(prev):
            return ChainReport(rows, prev, broken_at=entry.pk, reason="changed")
        prev = entry.row_hash
    return ChainReport(rows, prev)
