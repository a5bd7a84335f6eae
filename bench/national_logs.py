"""The national access log (~1.2 M rows over a year) and the break-the-glass openings it
records, for bench/national_rows.py.

Rows are made in time order with explicit ids and chained with the model's own
``expected_hash`` (the same canonical form and SHA-256 link as ``AccessLogEntry.save()``),
so ``manage.py verify_access_log`` holds and the app appends to the chain's head afterwards.
The table is append-only (triggers refuse UPDATE and DELETE): this only INSERTs.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bench.national_copy import Tables
from cases.models import AccessLogEntry, BreakGlassAccess, BreakGlassReview
from cases.models.accesslog import GENESIS_HASH, LogRow

if TYPE_CHECKING:
    from bench.national_rows import _Case, _Generator

NATIONAL_LOG_ROWS = 1_200_000
REASON = "Skyddspersonen ringde vid akut hotsituation, ansvarig handläggare ej anträffbar."
# (channel, via, share): reads by the responsible handler dominate.
KINDS = [
    ("assigned", 52),
    ("search", 10),
    ("head", 12),
    ("part", 6),
    ("print", 3),
    ("disclosure", 7),
    ("break_glass", 3),
    ("denied", 4),
    ("log", 3),
]
HASHED: tuple[str, ...] = ("user_id", "organisation_id", "case_id", "case_reference")
HASHED += ("channel", "what", "granted", "via", "break_glass_reason", "case_unit_id")
LOG = ["pk", *HASHED, "at", "prev_hash", "row_hash"]
GRANT = ["id", "case_id", "user_id", "reason", "granted_at", "expires_at", "reviewed"]
REVIEW = ["grant_id", "reviewed_by_id", "reviewed_at", "comment"]
REVIEW_COMMENT = "Granskad: befogad, skyddspersonen behövde hjälp utanför kontorstid."
# Heads review the openings weekly: those older than this are reviewed, all but a few.
REVIEWED_AFTER_DAYS = 14
UNREVIEWED_SHARE = 0.02


def make_access_log(g: _Generator, cases: list[_Case]) -> int:
    rng: random.Random = g.rng
    year_ago = g.today - timedelta(days=365)
    recent = [c for c in cases if c.closed is None or c.closed > year_ago]
    units, now = g.units, g.now
    n_rows = max(500, round(NATIONAL_LOG_ROWS * g.scale))
    kinds = [k for k, _w in KINDS]
    cum = [sum(w for _k, w in KINDS[: i + 1]) for i in range(len(KINDS))]
    pending: list[tuple[Any, ...]] = []
    grants: list[tuple[Any, ...]] = []
    for _n in range(n_rows):
        c = rng.choice(recent)
        first = max(c.opened, year_ago)
        last = c.closed or g.today
        span = max(0, (last - first).days)
        day = first + timedelta(days=rng.randint(0, span))
        at = timezone.make_aware(datetime.combine(day, time(7)))
        at += timedelta(seconds=rng.random() * 11 * 3600)
        if at >= now - timedelta(minutes=30):
            at = now - timedelta(minutes=rng.randint(30, 600))
        unit = units[c.unit].pk
        kind = rng.choices(kinds, cum_weights=cum)[0]
        user, org, channel, granted, via, what, reason = 0, unit, "detail", True, "", "", ""
        if kind == "disclosure" and c.disclosures and c.disclosures[0][4]:
            user, org, via = c.disclosures[0][4], c.disclosures[0][0], "disclosure"
        elif kind in ("head", "log"):
            user, via = rng.choice(g.heads[c.unit]).pk, "head"
            if kind == "log":
                channel, what = "log", "åtkomstlogg"
        elif kind in ("break_glass", "denied") and not c.restricted:
            colleague = rng.choice(g.handlers[c.unit]).pk
            if colleague in c.responsible:
                colleague = rng.choice(g.heads[c.unit]).pk
            user = colleague
            if kind == "denied":
                granted, what = False, "kräver nödåtkomst"
            else:
                via, reason = "break_glass", REASON
                grants.append((c.unit, c.pk, user, REASON, at, at + timedelta(hours=24)))
        if not user:
            user, via = rng.choice(c.responsible), "assigned"
            if kind in ("search", "part", "print"):
                channel = kind
                what = {"search": "sökning på namn", "part": "skyddsplan", "print": "skyddsplan"}[
                    kind
                ]
        ref = g.case_refs[c.pk]
        pending.append((at, user, org, c.pk, ref, channel, what, granted, via, reason, unit))
    # The heads' own reads of the report page (no case), spread over the year.
    for u, heads in enumerate(g.heads):
        for _i in range(max(2, n_rows // 4000)):
            at = now - timedelta(days=rng.randint(0, 364), minutes=rng.randint(60, 600))
            head = rng.choice(heads).pk
            pending.append(
                (at, head, units[u].pk, None, "", "log", "åtkomstrapport", True, "", "", None)
            )
    pending.sort(key=lambda row: row[0])
    _insert_grants(g, grants)
    _insert_chain(pending)
    return len(pending)


def _insert_grants(g: _Generator, grants: list[tuple[Any, ...]]) -> None:
    """The openings, and the heads' reviews of all but a few of those older than two weeks
    (a unit's head reviews them weekly; 34,850 unreviewed openings would be no real unit)."""
    tables = Tables()
    reviews = 0
    for pk, (unit, *row) in enumerate(grants, start=1):
        granted_at = row[3]
        reviewed = granted_at < g.now - timedelta(days=REVIEWED_AFTER_DAYS) and (
            g.rng.random() >= UNREVIEWED_SHARE
        )
        # The opening's flag, as cases.breakglass.review sets it with the review.
        tables.add_row(BreakGlassAccess, GRANT, (pk, *row, reviewed))
        if reviewed:
            head = g.rng.choice(g.heads[unit]).pk
            at = granted_at + timedelta(days=g.rng.randint(1, 10), hours=g.rng.randint(0, 8))
            tables.add_row(BreakGlassReview, REVIEW, (pk, head, at, REVIEW_COMMENT))
            reviews += 1
    tables.flush()
    g.personas.counts["break_glass_review"] = reviews


def _link(previous: str, row: tuple[Any, ...], at: datetime) -> str:
    """``AccessLogEntry.expected_hash``: SHA-256 over the previous hash and the row's
    canonical JSON (the ``LogRow`` fields, then the time in UTC with microseconds, then the
    case's unit when there is a case)."""
    *fields, case_unit_id = row
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    tail = [stamp] if case_unit_id is None else [stamp, case_unit_id]
    canonical = json.dumps([*fields, *tail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(previous.encode() + b"\n" + canonical.encode()).hexdigest()


def _insert_chain(pending: list[tuple[Any, ...]]) -> None:
    assert LogRow._fields == HASHED, "the access log hashes other fields: update HASHED"
    previous = GENESIS_HASH
    tables = Tables()
    for pk, (at, *hashed) in enumerate(pending, start=1):
        row_hash = _link(previous, tuple(hashed), at)
        tables.add_row(AccessLogEntry, LOG, (pk, *hashed, at, previous, row_hash))
        previous = row_hash
        if tables.pending == 50000:
            tables.flush()
    tables.flush()
