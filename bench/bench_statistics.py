"""Benchmark of the statistics page (issue 14): the head of the largest unit (40,000 cases)
and the national view over 200,000 cases. Target: ≤ 1 s each, a fixed number of queries.

Self-contained and optional: it creates its OWN PostgreSQL database (``BENCH_DATABASE_URL``,
default: the database of ``DATABASE_URL`` with ``_bench_statistics`` appended), migrates it
and fills it once with fictional rows through ``INSERT … SELECT generate_series`` (about a
minute); later runs reuse it. Nothing personal is generated – cases carry no persons except
the 10 % with kontaktförbud, whose participants are placeholder rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skydd .venv/bin/python bench/bench_statistics.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.results import figure, merge  # noqa: E402

FIGURES: list[dict[str, Any]] = []

BIG_UNIT_CASES = 40_000
OTHER_UNITS = 40
OTHER_UNIT_CASES = 4_000  # 40 × 4,000 + 40,000 = 200,000 cases
TOTAL = BIG_UNIT_CASES + OTHER_UNITS * OTHER_UNIT_CASES
WARM_RUNS = 5
TARGET_S = 1.0


def _bench_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/skydd")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("bench_statistics needs PostgreSQL (DATABASE_URL=postgres://…).")
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench_statistics"))


def _create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def _setup() -> None:
    url = _bench_url()
    _create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = ""  # the page needs no Redis: a fresh machine may have none
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skydd.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


SEED_SQL = """
INSERT INTO cases_protectioncase
    (key, reference, year, number, category, status, threat_picture, restricted, opened_on,
     closed_on, version, created_at, updated_at, unit_id, has_contact_ban)
SELECT gen_random_uuid(), 'BENCH-' || i, 2024, i,
       (ARRAY['close_relationship','honour','stalking','witness','informant',
              'justice_employee','relative','other'])[1 + i %% 8],
       CASE WHEN i %% 5 < 3 AND opened + (i %% 200) < CURRENT_DATE THEN 'closed' ELSE 'open' END,
       '', i %% 50 = 0, opened,
       CASE WHEN i %% 5 < 3 AND opened + (i %% 200) < CURRENT_DATE THEN opened + (i %% 200) END,
       1, now(), now(),
       CASE WHEN i <= %(big)s THEN %(big_unit)s ELSE %(first_other)s + (i %% %(others)s) END,
       false
FROM (SELECT i, (CURRENT_DATE - 1000 + (i * 7) %% 1000) AS opened
      FROM generate_series(1, %(total)s) AS i) AS s;

INSERT INTO cases_protectioncaseuserobjectpermission (content_object_id, permission_id, user_id)
SELECT c.id, %(perm)s, (%(handlers)s::bigint[])[1 + c.id %% array_length(%(handlers)s::bigint[], 1)]
FROM cases_protectioncase c;

INSERT INTO cases_followup (kind, due_date, responsible_party, note, note_shared, done_on,
                            outcome, created_at, version, case_id)
SELECT 'conversation', c.opened_on + k * 30, 'police', '', false,
       CASE WHEN (c.id + k) %% 4 <> 0 THEN c.opened_on + k * 30 + ((c.id %% 7)::int - 3) END, '',
       c.created_at, 1, c.id
FROM cases_protectioncase c, generate_series(1, 2) AS k;

INSERT INTO riskassessment_assessment (status, assessed_on, finalised_at, next_reassessment_on,
        notes, version, created_at, updated_at, assessor_id, case_id, organisation_id,
        instrument_id)
SELECT 'final', c.opened_on + (c.id %% 30)::int,
       (c.opened_on + (c.id %% 30)::int)::timestamptz + interval '10 hours',
       c.opened_on + (c.id %% 30)::int + 90, '', 1, now(), now(), %(assessor)s, c.id, c.unit_id,
       (%(instruments)s::bigint[])[1 + c.id %% array_length(%(instruments)s::bigint[], 1)]
FROM cases_protectioncase c WHERE c.id %% 10 < 7;

INSERT INTO cases_disclosure (direction, legal_basis, legal_basis_text, scope_persons,
        scope_risk_summary, scope_risk_full, scope_measures, scope_plan, scope_secret_dwelling,
        consent_given_by, consent_form, valid_from, created_at, withdrawn_at, withdrawal_reason,
        recipient_id, case_id, ended_by_closing)
SELECT 'to_social', CASE WHEN c.id %% 3 = 0 THEN 'osl_10_2' ELSE 'consent' END,
       '', true, true, false, true, true, false,
       CASE WHEN c.id %% 3 = 0 THEN '' ELSE 'Skyddspersonen' END, '',
       c.opened_on + 3, (c.opened_on + 3)::timestamptz,
       CASE WHEN c.id %% 40 = 1 THEN (c.opened_on + 60)::timestamptz END, '', %(social)s, c.id,
       false
FROM cases_protectioncase c WHERE c.id %% 4 = 0;

INSERT INTO cases_breakglassaccess (reason, granted_at, expires_at, user_id, case_id)
SELECT 'Bench', (c.opened_on + 5)::timestamptz, (c.opened_on + 6)::timestamptz, %(assessor)s, c.id
FROM cases_protectioncase c WHERE c.id %% 25 = 0;

INSERT INTO cases_person (key, first_name, last_name, personnummer, personnummer_hmac,
        protection, version, created_at, updated_at)
SELECT gen_random_uuid(), 'Bench', 'Person ' || c.id || '-' || r, '', '',
       'none', 1, now(), now()
FROM cases_protectioncase c, generate_series(1, 2) AS r WHERE c.id %% 10 = 0;

INSERT INTO cases_participant (role, note, relationship, phone, street_address, postal_code,
        city, contact_version, created_at, person_id, case_id)
SELECT CASE WHEN p.last_name LIKE '%%-1' THEN 'protected' ELSE 'threat_actor' END, '', '',
       '', '', '', '', 1, now(),
       p.id, split_part(split_part(p.last_name, ' ', 2), '-', 1)::bigint
FROM cases_person p WHERE p.first_name = 'Bench';

INSERT INTO cases_contactban (ban_type, electronic_monitoring, status, decision_date,
        deciding_body, valid_from, valid_until, note, created_at, updated_at, version, case_id,
        protected_participant_id, restricted_participant_id)
SELECT 'ordinary', false, CASE WHEN c.id %% 3 = 0 THEN 'refused' ELSE 'granted' END,
       c.opened_on + 7, '', c.opened_on + 7, c.opened_on + 7 + 365, '',
       (c.opened_on + 2)::timestamptz, now(), 1, c.id, pp.id, pt.id
FROM cases_protectioncase c
JOIN cases_participant pp ON pp.case_id = c.id AND pp.role = 'protected'
JOIN cases_participant pt ON pt.case_id = c.id AND pt.role = 'threat_actor';

UPDATE cases_protectioncase SET has_contact_ban = true
WHERE id IN (SELECT case_id FROM cases_contactban);

INSERT INTO cases_contactbanbreach (occurred_on, description, created_at, ban_id)
SELECT b.valid_from + 20 + k * 15, '', now(), b.id
FROM cases_contactban b, generate_series(1, 2) AS k WHERE b.status = 'granted';

INSERT INTO cases_supportinformation (is_referral, informed_on, note, created_at, case_id,
        participant_id, organisation_id)
SELECT false, p.created_at::date, '', now(), p.case_id, p.id, %(support)s
FROM cases_participant p WHERE p.role = 'protected';
"""


def _seed() -> tuple[Any, Any]:
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction

    from accounts.models import Membership, Organisation, User
    from cases.models import ProtectionCase, SupportOrganisation
    from riskassessment.models import Instrument

    big, _ = Organisation.objects.get_or_create(
        name="Bench PSS Storstad", defaults={"kind": "police", "reference_prefix": "BENCH-A"}
    )
    head, _ = User.objects.get_or_create(
        email="bench-head@polis.test", defaults={"full_name": "Bench"}
    )
    Membership.objects.get_or_create(user=head, organisation=big, defaults={"role": "head"})
    admin, _ = User.objects.get_or_create(
        email="bench-admin@skydd.test",
        defaults={"full_name": "Bench admin", "is_staff": True, "is_superuser": True},
    )
    if ProtectionCase.objects.count() >= TOTAL:
        return head, admin
    print(f"seeding {TOTAL:,} cases (once) …", flush=True)
    started = time.perf_counter()
    others = [
        Organisation.objects.get_or_create(
            name=f"Bench PSS {n:02d}",
            defaults={"kind": "police", "reference_prefix": f"BENCH-{n:02d}"},
        )[0]
        for n in range(OTHER_UNITS)
    ]
    assert [o.pk for o in others] == list(range(others[0].pk, others[0].pk + OTHER_UNITS))
    social, _ = Organisation.objects.get_or_create(
        name="Bench Socialtjänst",
        defaults={"kind": "social", "municipality_code": "0001", "municipality_name": "Bench"},
    )
    handlers = []
    for n in range(60):
        user, _ = User.objects.get_or_create(
            email=f"bench-{n}@polis.test", defaults={"full_name": "Bench"}
        )
        Membership.objects.get_or_create(user=user, organisation=big, defaults={"role": "handler"})
        handlers.append(user.pk)
    support = SupportOrganisation.objects.create(name="Bench jour", kind="A")
    perm = Permission.objects.get(codename="view_protectioncase", content_type__app_label="cases")
    params: dict[str, Any] = {
        "big": BIG_UNIT_CASES,
        "big_unit": big.pk,
        "first_other": others[0].pk,
        "others": OTHER_UNITS,
        "total": TOTAL,
        "perm": perm.pk,
        "handlers": handlers,
        "assessor": handlers[0],
        "instruments": list(Instrument.objects.filter(version="1").values_list("pk", flat=True)),
        "social": social.pk,
        "support": support.pk,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in SEED_SQL.split(";\n"):
            if statement.strip():
                cursor.execute(statement, params)
    # VACUUM too, as autovacuum would have done on a live database (it is off on some
    # benchmark machines): without the visibility map the index-only scans that the
    # statistics rely on (case_id_unit_opened, issue 16) visit the table for every row.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return head, admin


def _client(user: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _bare_sql(statements: list[str]) -> float:
    """The same statements, as Django sent them, through a plain psycopg connection: the
    database's share of the page without Django (median of ``WARM_RUNS``). Only the
    SELECTs: the session and savepoint statements around them are Django's own."""
    import psycopg

    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    times = []
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:  # the bench DB
        for _run in range(WARM_RUNS):
            started = time.perf_counter()
            for sql in selects:
                conn.execute(sql.encode()).fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _measure(label: str, client: Any, path: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, sql_times, counts = [], [], [], set()
    selects: list[str] = []
    for run in range(WARM_RUNS + 1):
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            elapsed = time.perf_counter() - started
            used = time.process_time() - cpu_started
        assert response.status_code == 200, response.status_code
        if run:  # the cold run also writes the new session's idle stamp (skydd.middleware)
            counts.add(len(queries))
            times.append(elapsed)
            cpu.append(used)
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries))
            selects = [q["sql"] for q in queries.captured_queries]
        else:
            cold = elapsed
    median = statistics.median(times)
    bare = _bare_sql(selects)
    verdict = "OK" if median <= TARGET_S and len(counts) == 1 else "OVER TARGET"
    print(
        f"{label}: warm median {median:.3f} s (target ≤ {TARGET_S:.0f} s; cold {cold:.3f} s, "
        f"{WARM_RUNS} runs) – {verdict}\n"
        f"    queries per page {sorted(counts)}; SQL as timed by Django "
        f"{statistics.median(sql_times):.3f} s; the same statements through bare psycopg "
        f"{bare:.3f} s; CPU of this process {statistics.median(cpu):.3f} s",
        flush=True,
    )
    FIGURES.append(
        figure(
            f"statistics page, {label}",
            median,
            "s",
            TARGET_S,
            median <= TARGET_S and len(counts) == 1,
            raw_sql_ms=bare * 1000,
            queries=sorted(counts)[0] if len(counts) == 1 else sorted(counts),
        )
    )
    return median, len(counts)


def main() -> int:
    _setup()
    from cases.models import ProtectionCase

    head, admin = _seed()
    from skydd.warm import settle

    settle()  # as a web process does before its first request (skydd/wsgi.py)
    big = ProtectionCase.objects.filter(unit__name="Bench PSS Storstad").count()
    load = os.getloadavg()[0]
    print(
        f"statistics: {ProtectionCase.objects.count():,} cases, {big:,} in the largest unit; "
        f"load average (1 min) {load:.1f} on {os.cpu_count()} cores"
    )
    ok = True
    for label, user in (("unit head, 40,000 cases", head), ("national, 200,000 cases", admin)):
        for period in ("this_month", "this_year"):
            median, distinct_counts = _measure(
                f"{label}, {period}", _client(user), f"/statistik/?period={period}"
            )
            ok &= median <= TARGET_S and distinct_counts == 1
    merge("statistics", FIGURES)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
