"""Benchmark the nightly reminder run: 5,000 users, 200,000 cases, every digest written,
built (access checked again), sent and logged.

Run from the repo root:  python bench/bench_notifications.py   (or: make bench)

Self-contained: it creates its own PostgreSQL database (``skydd_bench_notifications`` on the
server of ``DATABASE_URL``, default 127.0.0.1:5432, dropped and re-created on each run),
migrates it, generates fictional data with set-based INSERTs (a few seconds) and then times
one sweep at 06:30 – the same ``notifications.sweep.sweep`` Celery beat runs – with e-mail
going to Django's in-memory backend (rendering and MIME encoding included, SMTP excluded).
It prints the wall-clock time and the number of queries: those of writing the digests
(independent of the data size) and those of sending per message (independent of the number
of cases a recipient has).

Data: 50 police units with 90 handlers and 2 heads each; 10 social services with 38
handlers and 2 heads; 4,000 cases per unit with one responsible handler each; an open
follow-up on 19 of 20 cases, due from 10 days ago to 110 days ahead; 2,000 disclosures to
social services (half without handlers, some ending within the week); 500 break-the-glass
openings of the last day. No person, dwelling or free text: the rules never read them.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

BENCH_DB = "skydd_bench_notifications"
UNITS, HANDLERS, HEADS = 50, 90, 2
SOCIAL, SOCIAL_HANDLERS, SOCIAL_HEADS = 10, 38, 2
CASES_PER_UNIT = 4000
TARGET_SECONDS = 60


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/skydd")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/skydd"
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def _recreate_database(url: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _setup() -> None:
    url = _bench_database_url()
    _recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1"
    os.environ["REDIS_URL"] = ""
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skydd.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _generate() -> None:
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction

    from accounts.models import Membership, Organisation, User

    with transaction.atomic():
        units = Organisation.objects.bulk_create(
            Organisation(kind="police", name=f"Bänkenhet {n}", reference_prefix=f"B{n}")
            for n in range(UNITS)
        )
        socials = Organisation.objects.bulk_create(
            Organisation(
                kind="social",
                name=f"Bänksocialtjänst {n}",
                municipality_code=f"{1800 + n:04d}",
                municipality_name=f"Bänkkommun {n}",
            )
            for n in range(SOCIAL)
        )
        rows: list[tuple[Organisation, str, int]] = []
        for org in units:
            rows += [(org, "handler", i) for i in range(HANDLERS)]
            rows += [(org, "head", i) for i in range(HEADS)]
        for org in socials:
            rows += [(org, "handler", i) for i in range(SOCIAL_HANDLERS)]
            rows += [(org, "head", i) for i in range(SOCIAL_HEADS)]
        users = User.objects.bulk_create(
            User(email=f"u{n}@bench.invalid", full_name=f"Bänk {n}", password="!")
            for n in range(len(rows))
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=org, role=role)
            for user, (org, role, _i) in zip(users, rows, strict=True)
        )
        view = Permission.objects.get(codename="view_protectioncase").pk
        change = Permission.objects.get(codename="change_protectioncase").pk
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE bench_handlers (org_id bigint, pos int, user_id bigint)")
            cur.executemany(
                "INSERT INTO bench_handlers VALUES (%s, %s, %s)",
                [
                    (org.pk, i, user.pk)
                    for user, (org, role, i) in zip(users, rows, strict=True)
                    if role == "handler"
                ],
            )
            cur.execute(
                """
                INSERT INTO cases_protectioncase (key, reference, unit_id, year, number, category,
                    status, threat_picture, restricted, opened_on, version, created_at, updated_at,
                    has_contact_ban)
                SELECT gen_random_uuid(), o.reference_prefix || '-2026-' || lpad(n::text, 5, '0'),
                    o.id, 2026, n, 'close_relationship', 'open', '', false,
                    current_date - (n %% 300), 1, now(), now(), false
                FROM accounts_organisation o, generate_series(1, %s) n
                WHERE o.kind = 'police'
                """,
                [CASES_PER_UNIT],
            )
            cur.execute(
                """
                INSERT INTO cases_protectioncaseuserobjectpermission
                    (content_object_id, permission_id, user_id)
                SELECT c.id, p.pid, h.user_id
                FROM cases_protectioncase c
                JOIN bench_handlers h ON h.org_id = c.unit_id AND h.pos = c.number %% %s
                CROSS JOIN (VALUES (%s), (%s)) p(pid)
                """,
                [HANDLERS, view, change],
            )
            cur.execute(
                """
                INSERT INTO cases_followup (case_id, kind, due_date, assignee_id,
                    responsible_party, note, note_shared, outcome, created_at, version)
                SELECT c.id, 'conversation', current_date + ((c.number %% 120) - 10),
                    h.user_id, 'police', '', false, '', now(), 1
                FROM cases_protectioncase c
                JOIN bench_handlers h ON h.org_id = c.unit_id AND h.pos = c.number %% %s
                WHERE c.number %% 20 <> 0
                """,
                [HANDLERS],
            )
            social_ids = [org.pk for org in socials]
            cur.execute(
                """
                INSERT INTO cases_disclosure (case_id, direction, recipient_id, legal_basis,
                    legal_basis_text, scope_persons, scope_risk_summary, scope_risk_full,
                    scope_measures, scope_plan, scope_secret_dwelling, consent_given_by,
                    consent_form, valid_from, valid_until, created_at, withdrawal_reason,
                    ended_by_closing)
                SELECT c.id, 'to_social', (%s::bigint[])[1 + (c.number / 100) %% %s],
                    'osl_10_2', '', true, true, false, true, true, false, '', '',
                    current_date - 30, current_date + (c.number %% 30), now(), '', false
                FROM cases_protectioncase c
                WHERE c.number %% 100 = 0
                """,
                [social_ids, SOCIAL],
            )
            cur.execute(
                """
                INSERT INTO cases_disclosure_handlers (disclosure_id, user_id)
                SELECT d.id, h.user_id
                FROM cases_disclosure d
                JOIN bench_handlers h ON h.org_id = d.recipient_id AND h.pos = d.id %% %s
                WHERE d.id %% 2 = 0
                """,
                [SOCIAL_HANDLERS],
            )
            cur.execute(
                """
                INSERT INTO cases_breakglassaccess (case_id, user_id, reason, granted_at,
                    expires_at)
                SELECT c.id, h.user_id, 'bänk', now() - interval '2 hours',
                    now() + interval '22 hours'
                FROM cases_protectioncase c
                JOIN bench_handlers h ON h.org_id = c.unit_id
                    AND h.pos = (c.number + 1) %% %s
                WHERE c.number %% 400 = 1
                """,
                [HANDLERS],
            )
            cur.execute("ANALYZE")


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


RAW_CLAIM = """
UPDATE notifications_message SET status = 'sending', claim = %s, lease_until = %s,
    attempts = attempts + 1
WHERE id IN (SELECT id FROM notifications_message
             WHERE status = 'pending' AND next_attempt_at <= %s
             ORDER BY next_attempt_at, id LIMIT %s FOR UPDATE SKIP LOCKED)
RETURNING id, recipient_id
"""
RAW_ITEMS = """
SELECT n.message_id, n.case_id, c.reference, c.unit_id FROM notifications_notification n
LEFT JOIN cases_protectioncase c ON c.id = n.case_id
WHERE n.message_id = ANY(%s) AND n.status = 'pending'
"""
RAW_LOG = """
INSERT INTO cases_accesslogentry (user_id, organisation_id, case_id, case_reference, channel,
    what, granted, via, break_glass_reason, case_unit_id, at, prev_hash, row_hash)
SELECT u, NULL, c, r, 'email', 'e-post', true, '', '', cu, now(), p, h
FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::bigint[], %s::text[], %s::text[])
     WITH ORDINALITY AS t(u, c, r, cu, p, h, n) ORDER BY n
"""


def _raw_sql_baseline(url: str, at: datetime, batch: int) -> tuple[float, float, int]:
    """The database work of the send phase without Django, on a plain psycopg connection
    and rolled back afterwards: claim every due message in batches (UPDATE … SKIP LOCKED
    RETURNING), read its items and case references, mark it sent, append one hash-chained
    access-log row per case it names and strike the items – no access check, no template,
    no MIME. Returns (wall clock, CPU of this process, statements)."""
    import hashlib
    import json
    import uuid

    import psycopg

    statements = 0
    t0, c0 = time.perf_counter(), time.process_time()
    with psycopg.connect(url) as conn:  # one transaction, rolled back at the end
        cur = conn.cursor()
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [0x536B7964])
        cur.execute("SELECT row_hash FROM cases_accesslogentry ORDER BY id DESC LIMIT 1")
        head = cur.fetchone()
        previous = head[0] if head else "0" * 64
        statements += 2
        while True:
            cur.execute(RAW_CLAIM, [uuid.uuid4(), at + timedelta(minutes=5), at, batch])
            claimed: dict[int, int] = dict(cur.fetchall())
            statements += 1
            if not claimed:
                break
            ids = list(claimed)
            cur.execute(RAW_ITEMS, [ids])
            items = cur.fetchall()
            cur.execute(
                "UPDATE notifications_message SET status = 'sent', claim = NULL, "
                "sent_at = now() WHERE id = ANY(%s)",
                [ids],
            )
            users, cases, refs, units, prevs, hashes = [], [], [], [], [], []
            for message_id, case_id, reference, unit_id in items:
                if case_id is None:
                    continue
                fields = [claimed[message_id], None, case_id, reference, "email", "e-post", unit_id]
                canonical = json.dumps(fields, separators=(",", ":")).encode()
                digest = hashlib.sha256(previous.encode() + b"\n" + canonical).hexdigest()
                users.append(claimed[message_id])
                cases.append(case_id)
                refs.append(reference)
                units.append(unit_id)
                prevs.append(previous)
                hashes.append(digest)
                previous = digest
            cur.execute(RAW_LOG, [users, cases, refs, units, prevs, hashes])
            cur.execute(
                "UPDATE notifications_notification SET status = 'sent' WHERE message_id = ANY(%s)",
                [ids],
            )
            statements += 4
        conn.rollback()
    return time.perf_counter() - t0, time.process_time() - c0, statements


def main() -> int:
    started = time.perf_counter()
    _setup()
    migrated = time.perf_counter()
    _generate()
    generated = time.perf_counter()

    from django.conf import settings
    from django.core import mail
    from django.db import connection

    from accounts.models import User
    from cases.accesschain import verify_chain
    from cases.models import AccessLogEntry, FollowUp, ProtectionCase
    from notifications import delivery, schedule
    from notifications.models import Message, Notification

    mail.outbox = []
    zone = ZoneInfo(settings.TIME_ZONE)
    today = datetime.now(zone).date()
    at = datetime.combine(today, schedule.digest_time(), tzinfo=zone) + timedelta(seconds=5)

    write_q, send_q = QueryCounter(), QueryCounter()
    t0, c0 = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(write_q):
        digests = schedule.write_digests(at)
        notices = schedule.write_notices(at)
    t1, c1 = time.perf_counter(), time.process_time()
    # The same claim / mark / log work in bare SQL, before the real run (rolled back).
    raw_wall, raw_cpu, raw_statements = _raw_sql_baseline(
        _bench_database_url(), at, delivery.CLAIM_BATCH
    )
    t1b, c1b = time.perf_counter(), time.process_time()
    sent = 0
    with connection.execute_wrapper(send_q):
        while True:
            token, batch = delivery.claim(at)
            if not batch:
                break
            sent += delivery.deliver(batch, token, at).sent
    t2, c2 = time.perf_counter(), time.process_time()
    # MIME alone: the sent mails encoded again (Django's message() over the stdlib).
    for email in mail.outbox:
        email.message().as_bytes()
    t3, c3 = time.perf_counter(), time.process_time()
    chain = verify_chain()

    users = User.objects.count()
    cases = ProtectionCase.objects.count()
    items = Notification.objects.count()
    messages = Message.objects.count()
    logged = AccessLogEntry.objects.filter(channel=AccessLogEntry.Channel.EMAIL).count()
    load = os.getloadavg()[0]
    print(
        f"Nattens påminnelser: {users} användare, {cases} ärenden, "
        f"{FollowUp.objects.count()} uppföljningar; belastning (1 min) {load:.1f} på "
        f"{os.cpu_count()} kärnor"
    )
    prep_db, prep_data = migrated - started, generated - migrated
    print(f"  förberedelse: migrering {prep_db:.1f} s, data {prep_data:.1f} s")
    print(
        f"  skriva: {digests} sammanställningar + {notices} brådskande, {items} poster: "
        f"{t1 - t0:.1f} s (CPU {c1 - c0:.1f} s), {write_q.count} frågor (fast antal)"
    )
    send_wall, send_cpu = t2 - t1b, c2 - c1b
    print(
        f"  skicka: {sent} av {messages} meddelanden (e-post i minnet, mall + MIME), "
        f"{logged} rader i åtkomstloggen: {send_wall:.1f} s (CPU {send_cpu:.1f} s), "
        f"{send_q.count} frågor = {send_q.count / max(messages, 1):.2f} per meddelande"
    )
    print(
        f"    jämförelse, samma hämtning/markering/loggning i ren SQL (psycopg, utan "
        f"åtkomstkontroll, mall och MIME): {raw_wall:.1f} s (CPU {raw_cpu:.1f} s), "
        f"{raw_statements} satser"
    )
    print(
        f"    jämförelse, enbart MIME-kodning av samma {len(mail.outbox)} brev igen: "
        f"{t3 - t2:.1f} s (CPU {c3 - c2:.1f} s)"
    )
    total, cpu = (t1 - t0) + send_wall, (c1 - c0) + send_cpu
    verdict = "OK" if total <= TARGET_SECONDS else "ÖVER MÅLET"
    print(
        f"  totalt (skriva + skicka): {total:.1f} s, mål ≤ {TARGET_SECONDS} s – {verdict}; "
        f"Python-processens CPU {cpu:.1f} s"
    )
    print(
        f"  {len(mail.outbox)} e-postmeddelanden, {items / max(messages, 1):.0f} poster per "
        f"meddelande i snitt; åtkomstloggens kedja {'hel' if chain.intact else 'BRUTEN'} "
        f"({chain.rows} rader)"
    )
    from bench.results import figure, merge

    merge(
        "notifications",
        [
            figure(
                f"nightly digest run, {users:,} users",
                total,
                "s",
                TARGET_SECONDS,
                total <= TARGET_SECONDS and sent == messages and chain.intact,
                raw_sql_ms=raw_wall * 1000,
                users=users,
                cases=cases,
                messages=messages,
                write_queries=write_q.count,
                send_queries_per_message=round(send_q.count / max(messages, 1), 2),
                chain_intact=chain.intact,
            )
        ],
    )
    return 0 if total <= TARGET_SECONDS and sent == messages and chain.intact else 1


if __name__ == "__main__":
    sys.exit(main())
