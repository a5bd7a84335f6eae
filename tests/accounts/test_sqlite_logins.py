"""Finding 6: on SQLite, concurrent logins gave "database is locked" and the failed attempt
was not counted toward the lockout. A real SQLite file, real threads, in a subprocess (the
suite's own settings are PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_concurrent_failed_logins_on_sqlite_are_all_counted(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'skydd.sqlite3'}",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="skydd.settings",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests/accounts/sqlite_concurrent_logins.py"), "8"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    summary = [line for line in result.stdout.splitlines() if line.startswith("errors=")]
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert summary == ["errors=0 statuses=[200, 200, 200, 200, 200, 200, 200, 200] counted=8"]
