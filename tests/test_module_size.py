"""Files a newcomer can hold in their head (issue 9): no Python module of the apps is over
500 lines, migrations and the instrument data excepted."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "alarms", "cases", "notifications", "riskassessment", "skydd", "stats")
LIMIT = 500
DATA = {Path("riskassessment/instrument_data.py")}


def oversized(root: Path = ROOT) -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or relative in DATA:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > LIMIT:
                found.append(f"{relative}: {lines} lines")
    return found


def test_no_module_is_over_500_lines() -> None:
    assert oversized() == []


def test_the_check_finds_a_long_module(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "long.py").write_text("x = 1\n" * (LIMIT + 1))
    (tmp_path / "cases" / "short.py").write_text("x = 1\n" * LIMIT)
    assert oversized(tmp_path) == ["cases/long.py: 501 lines"]
