"""Load the national data set (~200,000 cases, bench/national_rows.py) into its own
PostgreSQL database, once; later runs find it and reuse it.

Run from the repo root:  python bench/national_data.py [--scale 1.0] [--force]
                                                      [--ready-file PATH]

The database is ``skydd_national`` on the server of ``DATABASE_URL`` (default
127.0.0.1:5432). It is migrated with this checkout's migrations, filled, vacuumed and
analysed, and then marked: the table ``bench_national_marker`` holds the generator version,
the scale, a check value of the personnummer key and the personas. A run that finds the
marker with the same version, scale and key does nothing (a second or so); otherwise the
database is dropped and made again (scale 1, generator v3: 11 minutes measured at load
average 9 on the two shared cores, of which the assessments and alarms 2.5; v2 took
2.5–3 minutes on a quieter machine).

Use a copy, not the database itself, for anything that writes (the benchmark does):
``createdb -T skydd_national <copy>`` – PostgreSQL copies a template only while nobody is
connected to it, so close every connection to ``skydd_national`` first.

The benchmark runs with fixed bench-only keys (``BENCH_ENV``): the personnummer hashes in
the data are made with ``PERSONNUMMER_HMAC_KEY`` from there, so searching a copy by
personnummer needs the same key.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

GENERATOR_VERSION = "4"
# Another name for trials: BENCH_NATIONAL_DB (the benchmark copies it to <name>_bench).
NATIONAL_DB = os.environ.get("BENCH_NATIONAL_DB", "skydd_national")
MARKER = "bench_national_marker"
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "skydd.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-national-only-secret-key-" + "n" * 40,
    "PERSONNUMMER_HMAC_KEY": "bench-national-only-personnummer-hmac-key-16",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SECURE_COOKIES": "0",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "REDIS_URL": "",
    "LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
# Persons whose personnummer the benchmark searches are found through this value.
HMAC_CHECK_INPUT = "19000101-0000"


def database_url(name: str) -> str:
    """``DATABASE_URL`` with another database name (PostgreSQL only)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/skydd")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/skydd"
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def admin_connect() -> Any:
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True)


def hmac_check() -> str:
    key = BENCH_ENV["PERSONNUMMER_HMAC_KEY"].encode()
    return hmac.new(key, HMAC_CHECK_INPUT.encode(), hashlib.sha256).hexdigest()[:16]


def read_marker(name: str = NATIONAL_DB) -> dict[str, Any] | None:
    """The marker row of a loaded database, or None (no database, or not finished)."""
    import psycopg

    with admin_connect() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        return None
    with psycopg.connect(database_url(name), autocommit=True) as conn:
        found = conn.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()
        if not found or found[0] is None:
            return None
        last = f"SELECT data FROM {MARKER} ORDER BY id DESC LIMIT 1"  # noqa: S608 - a constant
        row = conn.execute(last).fetchone()
    return dict(row[0]) if row else None


def is_current(marker: dict[str, Any] | None, scale: float) -> bool:
    return bool(
        marker
        and marker.get("version") == GENERATOR_VERSION
        and float(marker.get("scale", -1)) == scale
        and marker.get("hmac_check") == hmac_check()
    )


def setup_django(name: str) -> None:
    """Django with the bench settings on database ``name`` (once per process)."""
    os.environ.update(BENCH_ENV)
    os.environ["DATABASE_URL"] = database_url(name)
    import django

    django.setup()


def _recreate(name: str) -> None:
    with admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(scale: float, name: str = NATIONAL_DB) -> dict[str, Any]:
    """Drop, create, migrate and fill the database; return the marker written."""
    started = time.monotonic()
    _recreate(name)
    setup_django(name)
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    from bench.national_rows import generate

    call_command("migrate", verbosity=0)
    print(f"  migrated: {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # The rows are consistent by construction (the tiny-scale test loads them with every
        # check on): skip the per-row foreign-key triggers here, which were most of the load
        # time at commit. Needs a superuser; without one the load is just slower.
        try:
            cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            connection.rollback()
    personas = generate(scale, log=lambda line: print(line, flush=True))
    connection.close()
    import psycopg

    with psycopg.connect(database_url(name), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        print(f"  vacuumed and analysed: {time.monotonic() - started:.0f} s", flush=True)
        marker = {
            "version": GENERATOR_VERSION,
            "scale": scale,
            "hmac_check": hmac_check(),
            "seconds": round(time.monotonic() - started, 1),
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "personas": personas.as_dict(),
        }
        conn.execute(f"CREATE TABLE {MARKER} (id serial PRIMARY KEY, data jsonb NOT NULL)")
        insert = f"INSERT INTO {MARKER} (data) VALUES (%s)"  # noqa: S608 - a constant
        conn.execute(insert, [json.dumps(marker)])
    return marker


def ensure(
    scale: float = 1.0, force: bool = False, name: str = NATIONAL_DB
) -> tuple[dict[str, Any], bool]:
    """The loaded database's marker, loading it first if needed; True if it was loaded now."""
    marker = read_marker(name)
    if not force and marker is not None and is_current(marker, scale):
        return marker, False
    return load(scale, name), True


def ready_text(marker: dict[str, Any]) -> str:
    p = marker["personas"]
    return f"""National data set loaded (issue 16, generator v{marker["version"]}, scale \
{marker["scale"]}, {marker["seconds"]} s, {marker["loaded_at"]}).

Database: {NATIONAL_DB} on {database_url("").rsplit("/", 1)[0]}
Counts: {json.dumps(p["counts"])}

Copy it (never write to it; nobody may be connected to a template while it is copied):
    dropdb --if-exists -h 127.0.0.1 -U postgres <newname>
    createdb -h 127.0.0.1 -U postgres -T {NATIONAL_DB} <newname>
Then DATABASE_URL=postgres://postgres@127.0.0.1:5432/<newname>; run `manage.py migrate` on
the copy for your branch's migrations. Use the bench keys (bench/national_data.py BENCH_ENV),
above all PERSONNUMMER_HMAC_KEY={BENCH_ENV["PERSONNUMMER_HMAC_KEY"]}, or personnummer search
finds nothing. Reload: python bench/national_data.py --force

Personas (e-mail = username; password unusable; a confirmed TOTP device named "bench"):
    head        {p["head"]}   head of PSS Stockholm: {p["unit_cases"]} cases
    handler     {p["handler"]}   responsible for {p["handler_cases"]} cases there
    colleague   {p["colleague"]}   no assignment, no grant: lists \
{p["unit_listable"]}, opens 0
    social      {p["social"]}   assigned on {p["social_cases"]} active disclosures
    social_head {p["social_head"]}   head of that organisation: \
{p["social_head_cases"]} disclosed cases

Log in with a Django test Client (as tests/conftest.py verified_login does):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from accounts.models import User
    user = User.objects.get(email="{p["head"]}")
    device = user.totpdevice_set.get(name="bench")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
or reuse tests.conftest.verified_login(client, user). The benchmark: bench/bench_national.py.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--force", action="store_true", help="load again even if current")
    parser.add_argument("--database", default=NATIONAL_DB, help="another name (trials)")
    parser.add_argument("--ready-file", type=Path, help="write the personas and how to copy")
    args = parser.parse_args()
    marker, loaded = ensure(args.scale, args.force, args.database)
    print(
        f"{args.database}: {'loaded' if loaded else 'reused'} (generator v{marker['version']}, "
        f"scale {marker['scale']}, load {marker['seconds']} s)"
    )
    if args.ready_file:
        args.ready_file.write_text(ready_text(marker), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
