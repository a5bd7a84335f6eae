"""`make lint` enforces the import rules (issue 9): a forbidden import makes it fail.

The check runs import-linter with the project's own contracts (pyproject.toml) on a copy of
the apps, once as they are (kept) and once with one forbidden import added (broken), and the
private-helper check likewise.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The packages the contracts cover, as pyproject.toml names them (a new app can't be missed).
APPS = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    return tmp_path


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_apps_as_they_are_keep_every_contract(copy: Path) -> None:
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_cases_importing_an_app_built_on_it_breaks_the_lint(copy: Path) -> None:
    (copy / "cases" / "lint_probe.py").write_text("import riskassessment.models  # noqa\n")
    result = lint_imports(copy)
    assert result.returncode != 0
    assert "cases imports none of the apps built on it BROKEN" in result.stdout
    assert "cases.lint_probe -> riskassessment.models" in result.stdout


def test_an_app_importing_another_apps_views_breaks_the_lint(copy: Path) -> None:
    (copy / "riskassessment" / "lint_probe.py").write_text("from cases import views  # noqa\n")
    result = lint_imports(copy)
    assert result.returncode != 0
    assert "No app imports the views or forms of cases BROKEN" in result.stdout


def test_an_app_importing_another_apps_private_helper_breaks_the_lint(copy: Path) -> None:
    check = [sys.executable, str(copy / "scripts" / "check_private_imports.py"), str(copy)]
    assert subprocess.run(check, capture_output=True, timeout=60).returncode == 0
    (copy / "riskassessment" / "lint_probe.py").write_text(
        "from cases.casework.services.common import _bump  # noqa\n"
    )
    result = subprocess.run(check, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "riskassessment/lint_probe.py:1: from cases.casework.services.common import _bump" in (
        result.stdout
    )


def test_data_migrations_do_not_import_live_data_modules() -> None:
    """Editing riskassessment/instrument_data.py must not rewrite history for a new database:
    the migrations load their own frozen copy."""
    for path in (ROOT / "riskassessment" / "migrations").glob("[0-9]*.py"):
        assert "riskassessment.instrument_data" not in path.read_text(), path.name
