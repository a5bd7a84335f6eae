"""The read log: every read of a case, granted or denied. Nobody can rewrite it:

* the application's database role may only SELECT and INSERT it (``skydd/dbroles.py``);
* a trigger refuses UPDATE and DELETE, on PostgreSQL (migration 0002) and on SQLite
  (migration 0010), whoever asks;
* each row carries a SHA-256 hash over its fields and the previous row's hash, so a row
  changed, removed or inserted out of order by the owner role breaks the chain, which
  ``manage.py verify_access_log`` checks (``cases/accesschain.py``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import NamedTuple

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.models.cases import ProtectionCase


class AccessLogEntry(models.Model):
    class Channel(models.TextChoices):
        DETAIL = "detail", _("Ärendesida")
        SEARCH = "search", _("Sökträff")
        PRINT = "print", _("Utskrift/PDF")
        EXPORT = "export", _("Export")
        PART = "part", _("Del av ärendet")
        EMAIL = "email", _("E-post")
        LOG = "log", _("Åtkomstlogg")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The case row may be purged after retention; the reference stays (no personal data).
    case = models.ForeignKey(
        ProtectionCase,
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        related_name="+",
    )
    case_reference = models.CharField(max_length=40, blank=True)
    # The unit that owned the case when it was read, copied at write time so that the unit's
    # report (cases.sharing.logviews) reads its rows from an index instead of joining the
    # whole log to the cases; it stays when the case is purged. Null: no case, or a row
    # written before the column existed. Hashed when set (see ``_canonical``).
    case_unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    what = models.CharField(_("vad"), max_length=100, blank=True)
    granted = models.BooleanField(_("beviljad"))
    via = models.CharField(_("grund"), max_length=20, blank=True)
    break_glass_reason = models.TextField(_("skäl för nödåtkomst"), blank=True)
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    prev_hash = models.CharField(max_length=64, editable=False, default="")
    row_hash = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        verbose_name = _("åtkomstlogg")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["case", "-at"]),
            models.Index(fields=["user", "-at"]),
            # The unit's report over a period, and the readers of the unit's cases.
            models.Index(
                fields=["case_unit", "-at"],
                # Covering the summary's columns: the report counts a period's rows
                # from the index alone, without reading the log's pages.
                include=["user", "granted", "via", "case"],
                name="accesslog_unit_at",
            ),
            models.Index(fields=["case_unit", "user"], name="accesslog_unit_user"),
            # The cases read by each person on the report's page of its summary: a range
            # of a few rows per person and period, from the index alone.
            models.Index(
                fields=["case_unit", "user", "-at"],
                include=["case", "granted"],
                name="accesslog_unit_user_at",
            ),
            # Rows written before the unit was stored: the report joins these to the cases.
            # New rows never enter this index, so in time it holds only old history.
            models.Index(
                fields=["-at"],
                condition=models.Q(case_unit__isnull=True, case__isnull=False),
                name="accesslog_no_unit_at",
            ),
            # The units' reads of the log pages (no case) for the report's summary: a few
            # rows a day, where the organisation index alone would give a unit's every read.
            models.Index(
                fields=["organisation", "-at"],
                condition=models.Q(case__isnull=True),
                name="accesslog_log_reads_at",
            ),
        ]
        default_permissions = ()

    def __str__(self) -> str:
        return f"Åtkomst {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        """Insert only, chained to the latest row under a lock held until commit."""
        if not self._state.adding:
            raise ValueError("The access log is append-only.")
        using = router.db_for_write(AccessLogEntry, instance=self)
        if self.case_id is not None and self.case_unit_id is None:
            self.case_unit_id = self._case_unit_id(using)
        if _append_in_one_round_trip(self, using):
            return
        # No savepoint inside an outer transaction: two queries (lock, head) per insert.
        with transaction.atomic(using=using, savepoint=False):
            connection = connections[using]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            head = (
                AccessLogEntry.objects.using(using)
                .order_by("-pk")
                .values_list("row_hash", flat=True)
                .first()
            )
            self.at = timezone.now()
            self.prev_hash = head or GENESIS_HASH
            self.row_hash = self.expected_hash(self.prev_hash)
            super().save(*args, **kwargs)  # type: ignore[arg-type]

    def _case_unit_id(self, using: str) -> int | None:
        if AccessLogEntry.case.is_cached(self):  # type: ignore[attr-defined]
            return self.case.unit_id if self.case else None
        return (
            ProtectionCase.objects.using(using)
            .filter(pk=self.case_id or 0)
            .values_list("unit_id", flat=True)
            .first()
        )

    def canonical(self) -> bytes:
        """The fields the hash covers, in a fixed order and format."""
        return _canonical(
            LogRow(
                self.user_id,
                self.organisation_id,
                self.case_id,
                self.case_reference,
                self.channel,
                self.what,
                bool(self.granted),
                self.via,
                self.break_glass_reason,
                self.case_unit_id,
            ),
            self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        )

    def expected_hash(self, prev_hash: str) -> str:
        return hashlib.sha256(prev_hash.encode() + b"\n" + self.canonical()).hexdigest()


class LogRow(NamedTuple):
    """One entry for ``append_entries``: the hashed fields, in the hash's order."""

    user_id: int
    organisation_id: int | None
    case_id: int | None
    case_reference: str
    channel: str
    what: str
    granted: bool
    via: str = ""
    break_glass_reason: str = ""
    case_unit_id: int | None = None


def _canonical(row: LogRow, at: str) -> bytes:
    """The hashed form of a row. The case's unit was added later: it follows the time, and
    only when set, so that rows written before it hash as they did (an unset unit on a new
    row, or a unit given to an old one, changes the hash all the same)."""
    *fields, case_unit_id = row
    fields.append(at)
    if case_unit_id is not None:
        fields.append(case_unit_id)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


# One round trip for one row (the case page's synchronous write, issue 16): two statements
# in one simple-protocol message run as one implicit transaction, so the advisory lock of the
# first holds while the second reads the head, with a snapshot taken after the lock (READ
# COMMITTED takes one per statement), and inserts the row hashed by PostgreSQL over exactly
# the bytes ``expected_hash`` hashes: the previous hash, a newline, ``canonical()``.
_APPEND_ONE = """
SELECT pg_advisory_xact_lock(%s);
INSERT INTO cases_accesslogentry (user_id, organisation_id, case_id, case_reference, channel,
    what, granted, via, break_glass_reason, case_unit_id, at, prev_hash, row_hash)
SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, head.hash,
    encode(sha256(convert_to(head.hash, 'UTF8') || '\\x0a'::bytea || %s::bytea), 'hex')
FROM (SELECT COALESCE(
    (SELECT row_hash FROM cases_accesslogentry ORDER BY id DESC LIMIT 1), %s) AS hash) head
RETURNING id, prev_hash, row_hash
"""


def _append_in_one_round_trip(entry: AccessLogEntry, using: str) -> bool:
    """Write ``entry`` with _APPEND_ONE; False where that cannot be sent (not PostgreSQL, or
    a cursor that binds parameters on the server, which refuses two statements): the caller
    then writes it in its steps. ``at`` is taken just before the round trip."""
    from cases.roundtrip import sends_together

    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    entry.at = timezone.now()
    with connection.cursor() as cursor:
        if not sends_together(cursor, connection.vendor):
            return False
        cursor.execute(
            _APPEND_ONE,
            [
                CHAIN_LOCK_KEY,
                entry.user_id,
                entry.organisation_id,
                entry.case_id,
                entry.case_reference,
                entry.channel,
                entry.what,
                bool(entry.granted),
                entry.via,
                entry.break_glass_reason,
                entry.case_unit_id,
                entry.at,
                entry.canonical(),
                GENESIS_HASH,
            ],
        )
        cursor.nextset()
        entry.pk, entry.prev_hash, entry.row_hash = cursor.fetchone()
    entry._state.adding, entry._state.db = False, using
    return True


_APPEND = """
INSERT INTO cases_accesslogentry (user_id, organisation_id, case_id, case_reference, channel,
    what, granted, via, break_glass_reason, case_unit_id, at, prev_hash, row_hash)
SELECT u, o, c, r, ch, w, g, v, b, cu, %s, p, h
FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[],
            %s::boolean[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[])
     WITH ORDINALITY AS t(u, o, c, r, ch, w, g, v, b, cu, p, h, n)
ORDER BY n
"""


def append_entries(rows: list[LogRow], using: str = "default") -> None:
    """Append many entries at once, chained exactly as ``AccessLogEntry.save()`` chains one
    (the same lock held until commit, the same head, hash and timestamp format), so that
    ``verify_access_log`` holds. No model instances: on PostgreSQL one INSERT from arrays
    in the rows' order (ids follow that order under the lock); elsewhere ``bulk_create``.
    Call inside a transaction."""
    if not rows:
        return
    rows = _with_case_units(rows, using)
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    head = (
        AccessLogEntry.objects.using(using).order_by("-pk").values_list("row_hash", flat=True)
    ).first()
    at = timezone.now()
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    previous = head or GENESIS_HASH
    links: list[tuple[str, str]] = []
    for row in rows:
        digest = hashlib.sha256(previous.encode() + b"\n" + _canonical(row, stamp)).hexdigest()
        links.append((previous, digest))
        previous = digest
    if connection.vendor != "postgresql":
        AccessLogEntry.objects.using(using).bulk_create(
            AccessLogEntry(**row._asdict(), at=at, prev_hash=prev, row_hash=digest)
            for row, (prev, digest) in zip(rows, links, strict=True)
        )
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(
            _APPEND,
            [at, *columns, [prev for prev, _d in links], [digest for _p, digest in links]],
        )


def _with_case_units(rows: list[LogRow], using: str) -> list[LogRow]:
    """Rows with the case's unit filled in where the caller left it out (one query)."""
    missing = {row.case_id for row in rows if row.case_id is not None and row.case_unit_id is None}
    if not missing:
        return rows
    units = dict(
        ProtectionCase.objects.using(using).filter(pk__in=missing).values_list("pk", "unit_id")
    )
    return [
        row._replace(case_unit_id=units.get(row.case_id)) if row.case_id in missing else row
        for row in rows
    ]


# The chain starts from this value; the advisory lock key is arbitrary but fixed.
GENESIS_HASH = "0" * 64
CHAIN_LOCK_KEY = 0x536B7964  # "Skyd"
