"""Run by tests/accounts/test_sqlite_logins.py in a subprocess with a SQLite DATABASE_URL:
concurrent failed logins must neither fail with "database is locked" nor go uncounted."""

from __future__ import annotations

import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skydd.settings")
django.setup()

from axes.models import AccessAttempt  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 8

call_command("migrate", verbosity=0)
User.objects.create_user("anna@polis.test", "Ett-bra-lösenord-1", full_name="A")
connection.close()
errors: list[BaseException] = []
statuses: list[int] = []
barrier = threading.Barrier(THREADS)


def attempt(i: int) -> None:
    try:
        barrier.wait()
        client = Client(REMOTE_ADDR=f"10.0.0.{i}")
        response = client.post("/login/", {"username": "anna@polis.test", "password": "fel"})
        statuses.append(response.status_code)
    except BaseException as exc:
        errors.append(exc)
    finally:
        connection.close()


threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
failures = sum(a.failures_since_start for a in AccessAttempt.objects.all())
print(f"errors={len(errors)} statuses={sorted(statuses)} counted={failures}")
for exc in errors:
    print(repr(exc))
sys.exit(1 if errors or failures != THREADS else 0)
