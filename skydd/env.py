"""Typed helpers that read settings from the environment and fail loudly.

A misspelt boolean or a non-numeric timeout must stop the process at start-up rather
than silently fall back to a default: in this system a wrong default can mean an
unprotected production deployment.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    """Return the value of NAME, or the contents of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} kan inte läsas: {exc}") from exc
    return os.environ.get(name)


def envstr(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def envbool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envhostports(name: str, default_port: int) -> list[tuple[str, int]]:
    """A comma-separated list of ``host:port`` (the port may be left out), e.g. the Redis
    Sentinels; a port that is not a number in 1–65535 stops the process."""
    pairs: list[tuple[str, int]] = []
    for item in envlist(name, []):
        host, sep, port_text = item.rpartition(":")
        if not sep:
            host, port_text = item, str(default_port)
        try:
            port = int(port_text)
        except ValueError:
            port = 0
        if not host or not 0 < port < 65536:
            raise ImproperlyConfigured(f"{name} must be host:port[,host:port…], got {item!r}")
        pairs.append((host, port))
    return pairs
