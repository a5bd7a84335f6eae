"""Settings fail loudly: bad values and default secrets stop the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from skydd.env import envbool, envint, envlist

ROOT = Path(__file__).resolve().parents[2]


def test_envbool_refuses_a_misspelt_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYDD_X", "ture")
    with pytest.raises(ImproperlyConfigured):
        envbool("SKYDD_X", False)
    monkeypatch.setenv("SKYDD_X", "yes")
    assert envbool("SKYDD_X", False) is True


def test_envint_refuses_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYDD_N", "15min")
    with pytest.raises(ImproperlyConfigured):
        envint("SKYDD_N", 1)


def test_file_variant_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "hosts"
    secret.write_text("a.example, b.example\n")
    monkeypatch.setenv("SKYDD_HOSTS_FILE", str(secret))
    assert envlist("SKYDD_HOSTS", []) == ["a.example", "b.example"]


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "PERSONNUMMER_HMAC_KEY", "SECURE_COOKIES"}
    }
    clean.update(env)
    code = "import skydd.settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret() -> None:
    result = _import_settings({"DEBUG": "0", "PERSONNUMMER_HMAC_KEY": "h" * 40})
    assert result.returncode != 0
    assert "SECRET_KEY saknas" in result.stderr


def test_production_refuses_a_default_hmac_key() -> None:
    result = _import_settings({"DEBUG": "0", "SECRET_KEY": "s" * 60})
    assert result.returncode != 0
    assert "PERSONNUMMER_HMAC_KEY" in result.stderr


def test_production_uses_host_prefixed_secure_cookies() -> None:
    result = _import_settings(
        {"DEBUG": "0", "SECRET_KEY": "s" * 60, "PERSONNUMMER_HMAC_KEY": "h" * 40}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["__Host-skydd_session", "__Host-skydd_csrf"]


def test_debug_machine_starts_with_the_development_defaults() -> None:
    result = _import_settings({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
