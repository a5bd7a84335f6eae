"""One active loan per device under real concurrency on PostgreSQL: 20 threads, each with its
own database connection, try to lend the same device at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from alarms.models import Device, Loan
from cases.errors import Conflict
from tests.alarms.helpers import device, lend
from tests.factories import make_case

ATTEMPTS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_attempts_give_one_loan_and_nineteen_clear_refusals(handler):
    row = device(handler)
    cases = [make_case(handler) for _ in range(ATTEMPTS)]
    barrier = threading.Barrier(ATTEMPTS)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            lend(handler, cases[index], row)
            outcome = "ok"
        except Conflict as exc:
            outcome = f"refused: {exc.message}"
        except Exception as exc:  # anything else is a failure of the test
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == ATTEMPTS
    assert results.count("ok") == 1, results
    refusals = [r for r in results if r.startswith("refused")]
    assert len(refusals) == ATTEMPTS - 1, results
    assert all("har just lånats ut av någon annan" in r for r in refusals)
    assert Loan.objects.filter(device=row, ended_on__isnull=True).count() == 1
    assert Loan.objects.count() == 1
    row.refresh_from_db()
    assert row.status == Device.Status.ON_LOAN
