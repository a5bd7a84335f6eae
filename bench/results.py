"""The benchmarks' shared result file, ``var/bench/results.json`` (issue 16).

A JSON list of figures ``{"name", "value", "unit", "target", "met", "raw_sql_ms", ...}``;
each script replaces the figures of its own ``group`` and keeps the others, so ``make
bench`` leaves one file with every figure. Every figure carries the load average at the
moment it was measured (the machine is shared) and each group one ``"<group>: machine"``
entry describing the machine.
"""

from __future__ import annotations

import json
import os
import platform
import re
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent.parent / "var" / "bench" / "results.json"


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0.0
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def figure(
    name: str,
    value: float | None,
    unit: str,
    target: float | None,
    met: bool | None = None,
    raw_sql_ms: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One figure; ``met`` defaults to value ≤ target."""
    if met is None and value is not None and target is not None:
        met = value <= target
    return {
        "name": name,
        "value": None if value is None else round(value, 3),
        "unit": unit,
        "target": target,
        "met": met,
        "raw_sql_ms": None if raw_sql_ms is None else round(raw_sql_ms, 2),
        "load_avg": load_average()[0],
        **extra,
    }


def merge(group: str, figures: list[dict[str, Any]], path: Path = RESULTS) -> None:
    """Replace this group's figures in the file (made if missing), keep the rest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept: list[dict[str, Any]] = []
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
            kept = [f for f in old if isinstance(f, dict) and f.get("group") != group]
        except (ValueError, OSError):
            kept = []
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    info = {**machine(), "load_avg_1_5_15": load_average()}
    about = figure(f"{group}: machine", info["cores"], "cores", None, **info)
    new = [{**f, "group": group, "measured_at": stamp} for f in [about, *figures]]
    path.write_text(json.dumps(kept + new, ensure_ascii=False, indent=1) + "\n", "utf-8")


# Issue 16, Build 2: the figures that must be in the file, each with a target and whether it
# is met – (group, pattern on the name, how many at least). The personas' list variants and
# searches, the case page, both access-log pages and the report, the PDF, the digest and the
# statistics pages.
_LISTS = r"case list, (page 1|open \+ category|deep page \(\d+\)|responsible = a handler"
BUILD2: tuple[tuple[str, str, int], ...] = (
    ("national", _LISTS + r"|kontaktförbud filter) \(", 18),
    ("national", r"name search, common surname \(", 5),
    ("national", r"personnummer search \(", 4),
    ("national", r"case detail \(with the log write\) \(", 4),
    ("national", r"access log of a case \(", 2),
    ("national", r"access log: break-the-glass openings \(", 1),
    ("national", r"per-user access report, 30 days \(", 1),
    ("pdf", r"plan PDF, warm median$", 1),
    ("notifications", r"nightly digest run, ", 1),
    ("statistics", r"statistics page, ", 4),
)


def missing_build2(figures: list[dict[str, Any]]) -> list[str]:
    """What Build 2 asks for and ``figures`` lacks: a kind of figure with fewer entries than
    expected, or an entry without its target or verdict. Empty when all is there."""
    missing = []
    for group, pattern, least in BUILD2:
        found = [f for f in figures if f.get("group") == group and re.match(pattern, f["name"])]
        if len(found) < least:
            missing.append(f"{group}: {pattern} ({len(found)} of {least})")
        missing += [
            f"{f['name']}: no target or verdict"
            for f in found
            if f.get("target") is None or f.get("met") is None
        ]
    return missing


def read(path: Path = RESULTS) -> list[dict[str, Any]]:
    try:
        return [f for f in json.loads(path.read_text(encoding="utf-8")) if isinstance(f, dict)]
    except (ValueError, OSError):
        return []


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "NEJ"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def print_table(figures: list[dict[str, Any]]) -> None:
    """The figures as a plain table: name, value, target, met, raw SQL, ratio, queries."""
    head = ("figur", "värde", "enhet", "mål", "uppfyllt", "rå SQL ms", "kvot", "frågor", "last")
    rows = [head] + [
        (
            f["name"],
            _cell(f["value"]),
            f["unit"],
            _cell(f["target"]),
            _cell(f["met"]),
            _cell(f.get("raw_sql_ms")),
            _cell(f.get("ratio")),
            _cell(f.get("queries")),
            _cell(f.get("load_avg")),
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
