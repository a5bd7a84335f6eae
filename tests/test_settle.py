"""A web or worker process loads what it keeps and freezes it before its first request
(skydd/warm.py, issue 16): a full garbage collection then walks what requests create only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from skydd import warm

REPO = Path(settings.BASE_DIR)


def _own_templates() -> set[str]:
    found = set()
    for directory in [REPO / "templates", *REPO.glob("*/templates")]:
        found |= {
            p.relative_to(directory).as_posix()
            for p in directory.rglob("*")
            if p.suffix in (".html", ".txt")
        }
    return found


def test_every_template_of_skydd_is_compiled_none_of_the_admins() -> None:
    dirs = warm._own_template_dirs()
    assert REPO / "templates" in dirs
    assert all(".venv" not in d.parts and "site-packages" not in d.parts for d in dirs)
    # Each template compiles (a syntax error raises here, and the process logs it).
    assert warm.load_templates() == len(_own_templates()) > 100


def _fresh_process(script: str, tmp_path: Path, **env: str) -> str:
    """``script``'s output in a fresh interpreter that imports the app as gunicorn does."""
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "skydd.settings_test",
            "SKYDD_WARM_PDF": "0",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **env,
        },
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_the_web_process_is_settled_before_its_first_request(tmp_path) -> None:
    """After ``skydd.wsgi`` most objects are frozen and few are left for the collector,
    and the app still answers."""
    script = (
        "import gc, json\n"
        "import skydd.wsgi\n"
        "tracked = len(gc.get_objects())\n"
        "from django.test import Client\n"
        "status = Client().get('/healthz').status_code\n"
        "print(json.dumps([gc.get_freeze_count(), tracked, status]))\n"
    )
    frozen, tracked, status = json.loads(_fresh_process(script, tmp_path))
    assert frozen > 50_000
    assert tracked < frozen / 10
    assert status in (200, 503)  # answered (the health check may find no migrated database)


def test_without_settling_nothing_is_frozen(tmp_path) -> None:
    script = "import gc\nimport skydd.wsgi\nprint(gc.get_freeze_count())\n"
    assert _fresh_process(script, tmp_path, SKYDD_SETTLE="0") == "0"
