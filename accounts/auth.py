"""Helpers for login throttling."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """Count failures per normalised e-mail, so 'Anna@X.se' and 'anna@x.se' share one counter."""
    value = ""
    if credentials:
        value = str(credentials.get("username") or "")
    if not value and request is not None and request.method == "POST":
        value = str(request.POST.get("username", ""))
    return value.strip().lower()
