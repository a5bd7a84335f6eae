"""What bench_national.py measures besides pages (issue 16, Build 1):

- **the synchronous access-log write alone**: one chained row as the case page writes it
  (``AccessLogEntry.save()``: the chain's lock, the head, the hash, the INSERT, the commit),
  beside a bare INSERT of the same row as raw SQL on a plain connection in the same run.
  The bare row carries the hash the chain expects (computed before the clock starts), so
  the copy's chain stays intact and the next chained row links to it;
- **the head's case list while the statistics pages run**: a second process requests the
  statistics page over and over (this month, this year, in turn) while the list's page 1 is
  timed, beside the same page timed idle just before.

Run as a script, this module is that second process:
``python bench/national_extra.py --hammer <copy> <email>`` requests the statistics page
as the user until its standard input closes, then prints how many pages it served.
"""

from __future__ import annotations

import os
import re
import statistics as stats
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

WARMUP = 2
STATISTICS_PERIODS = ("this_month", "this_year")
LOG_WRITE_LABEL = "access-log write, one chained row"
LOADED_LIST_LABEL = "case list, page 1, statistics running"

_BARE_INSERT = """
INSERT INTO cases_accesslogentry (user_id, organisation_id, case_id, case_reference,
    case_unit_id, channel, what, granted, via, break_glass_reason, at, prev_hash, row_hash)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 (nearest rank), as bench_national reports pages."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return stats.median(ordered), p95


def _entry(user: Any, case: Any, what: str) -> Any:
    from cases.models import AccessLogEntry

    return AccessLogEntry(
        user=user,
        organisation_id=case.unit_id,
        case=case,
        case_reference=case.reference,
        channel=AccessLogEntry.Channel.DETAIL,
        what=what,
        granted=True,
        via="head",
    )


def _bare_row(user: Any, case: Any, cursor: Any) -> list[Any]:
    """The values of the next row of the chain, hashed as save() hashes it."""
    from django.utils import timezone

    from cases.models.accesslog import GENESIS_HASH

    cursor.execute("SELECT row_hash FROM cases_accesslogentry ORDER BY id DESC LIMIT 1")
    head = cursor.fetchone()
    entry = _entry(user, case, "bench: bare insert")
    entry.case_unit_id = case.unit_id
    entry.at = timezone.now()
    entry.prev_hash = head[0] if head else GENESIS_HASH
    entry.row_hash = entry.expected_hash(entry.prev_hash)
    return [
        entry.user_id,
        entry.organisation_id,
        entry.case_id,
        entry.case_reference,
        entry.case_unit_id,
        entry.channel,
        entry.what,
        entry.granted,
        entry.via,
        entry.break_glass_reason,
        entry.at,
        entry.prev_hash,
        entry.row_hash,
    ]


def measure_log_write(user: Any, case: Any, runs: int, cursor: Any) -> dict[str, Any]:
    """p50/p95 in ms of one chained row (Django, its own transaction) and of a bare INSERT
    of the same row through ``cursor`` (the benchmark's autocommit connection: the INSERT
    and its commit), alternating so that both see the same machine."""
    chained, bare = [], []
    for n in range(WARMUP + runs):
        entry = _entry(user, case, "bench: chained write")
        started = time.perf_counter()
        entry.save()
        took = (time.perf_counter() - started) * 1000
        values = _bare_row(user, case, cursor)
        started = time.perf_counter()
        cursor.execute(_BARE_INSERT, values)
        bare_took = (time.perf_counter() - started) * 1000
        if n >= WARMUP:
            chained.append(took)
            bare.append(bare_took)
    p50, p95 = percentiles(chained)
    raw_p50, raw_p95 = percentiles(bare)
    return {"p50": p50, "p95": p95, "raw_p50": raw_p50, "raw_p95": raw_p95, "rows": 2 * runs}


def hammer(get: Callable[[str], int], stop: Callable[[], bool]) -> int:
    """Request the statistics page (the periods in turn) until ``stop()``; the number served.
    ``get``: path → HTTP status; anything but 200 stops the run with an error."""
    from django.urls import reverse

    page = reverse("statistics:page")
    served = 0
    while not stop():
        period = STATISTICS_PERIODS[served % len(STATISTICS_PERIODS)]
        status = get(f"{page}?period={period}")
        if status != 200:
            raise SystemExit(f"statistics page: HTTP {status}")
        served += 1
    return served


class StatisticsLoad:
    """The second process, requesting the statistics page as ``email`` on database ``copy``
    until the context ends. ``served``: how many pages it finished."""

    def __init__(self, copy: str, email: str) -> None:
        self.args = [sys.executable, str(Path(__file__).resolve()), "--hammer", copy, email]
        self.served = 0

    def __enter__(self) -> StatisticsLoad:
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, this file
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":  # set up and first page served
            raise SystemExit("the statistics load did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        out, _err = self.process.communicate(input="", timeout=300)  # closes its stdin
        if self.process.returncode != 0:
            raise SystemExit(f"the statistics load failed ({self.process.returncode})")
        self.served = int(out.split()[-1])


def measure_under_statistics(
    request: Callable[[int], Any], runs: int, load: StatisticsLoad
) -> dict[str, Any]:
    """The page timed idle, then again while ``load`` (the statistics pages in a second
    process) runs."""

    def timed() -> list[float]:
        samples = []
        for n in range(WARMUP + runs):
            started = time.perf_counter()
            response = request(n)
            took = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{LOADED_LIST_LABEL}: HTTP {response.status_code}")
            if n >= WARMUP:
                samples.append(took)
        return samples

    idle_p50, idle_p95 = percentiles(timed())
    with load:
        loaded = timed()
    p50, p95 = percentiles(loaded)
    return {
        "p50": p50,
        "p95": p95,
        "idle_p50": idle_p50,
        "idle_p95": idle_p95,
        "statistics_pages": load.served,
    }


def figures(head: Any, email: str, runs: int, copy: str, only: re.Pattern[str]) -> list[Any]:
    """The figures of both measurements for the head (those ``only`` selects), measured on
    ``copy`` with a plain psycopg connection beside Django's."""
    import psycopg
    from django.urls import reverse

    from bench.bench_national import _client
    from bench.national_data import database_url
    from bench.results import figure
    from cases import access

    result = []
    if only.search(f"head {LOG_WRITE_LABEL}"):
        case = access.openable_cases(head).order_by("-opened_on", "-number").first()
        with psycopg.connect(database_url(copy), autocommit=True) as conn, conn.cursor() as cur:
            w = measure_log_write(head, case, runs, cur)
        print(
            f"  head        {LOG_WRITE_LABEL:36} p50 {w['p50']:7.2f}  p95 {w['p95']:7.2f} ms, "
            f"bare INSERT p50 {w['raw_p50']:.2f}  p95 {w['raw_p95']:.2f} ms",
            flush=True,
        )
        result.append(
            figure(
                f"{LOG_WRITE_LABEL} (head)",
                w["p95"],
                "ms p95",
                None,  # issue 16 sets none of its own: it is inside the case page's 80 ms
                None,
                w["raw_p95"],
                p50=round(w["p50"], 2),
                raw_sql_p50=round(w["raw_p50"], 2),
                ratio=round(w["p95"] / w["raw_p95"], 1) if w["raw_p95"] else None,
                load_avg=round(os.getloadavg()[0], 2),
                runs=runs,
            )
        )
    if only.search(f"head {LOADED_LIST_LABEL}"):
        client = _client(head)
        url = reverse("cases:list")
        m = measure_under_statistics(lambda n: client.get(url), runs, StatisticsLoad(copy, email))
        print(
            f"  head        {LOADED_LIST_LABEL:36} p50 {m['p50']:7.1f}  p95 {m['p95']:7.1f} ms "
            f"(idle just before: p50 {m['idle_p50']:.1f}  p95 {m['idle_p95']:.1f} ms; "
            f"{m['statistics_pages']} statistics pages served meanwhile)",
            flush=True,
        )
        result.append(
            figure(
                f"{LOADED_LIST_LABEL} (head)",
                m["p95"],
                "ms p95",
                # No target: on two cores one process rendering statistics without pause
                # takes a core and its database backend much of the other; the list's 50 ms
                # is for a machine with headroom, and the plan moves statistics to a replica
                # (README "Operations", STATISTICS_DATABASE_URL) before they crowd the lists.
                None,
                None,
                p50=round(m["p50"], 1),
                idle_p50=round(m["idle_p50"], 1),
                idle_p95=round(m["idle_p95"], 1),
                ratio_to_idle=round(m["p95"] / m["idle_p95"], 1) if m["idle_p95"] else None,
                statistics_pages=m["statistics_pages"],
                load_avg=round(os.getloadavg()[0], 2),
                runs=runs,
            )
        )
    return result


def _hammer_main(copy: str, email: str) -> int:
    import selectors

    from bench.national_data import setup_django

    setup_django(copy)
    from accounts.models import User
    from bench.bench_national import _client

    client = _client(User.objects.get(email=email))
    watch = selectors.DefaultSelector()
    watch.register(sys.stdin, selectors.EVENT_READ)

    def get(path: str) -> int:
        return int(client.get(path).status_code)

    first = hammer(get, stop=_once())  # one page (warm), then the parent starts timing
    print("ready", flush=True)
    served = first + hammer(get, stop=lambda: bool(watch.select(timeout=0)))
    print(served, flush=True)
    return 0


def _once() -> Callable[[], bool]:
    calls = iter((False, True))
    return lambda: next(calls, True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--hammer":
        sys.exit(_hammer_main(sys.argv[2], sys.argv[3]))
    raise SystemExit(__doc__)
