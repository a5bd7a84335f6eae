from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import active_memberships


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    memberships: list[Any] = []
    if user is not None and user.is_authenticated:
        memberships = active_memberships(user)  # type: ignore[arg-type]
    # Which menu entries to show; the pages themselves decide access through cases.access.
    active = [m for m in memberships if m.organisation.is_active]
    return {
        "today": timezone.localdate(),
        "skydd_demo": settings.SKYDD_DEMO,
        "user_memberships": memberships,
        "nav_shared_cases": any(
            m.organisation.is_social_services and m.role in ("handler", "head") for m in active
        ),
        "nav_access_log": any(m.organisation.is_police and m.role == "head" for m in active),
        "nav_todo": any(m.role in ("handler", "head") for m in active),
        # Mirrors cases.statsaccess.statistics_scope (which the page itself asks).
        "nav_statistics": bool(user is not None and user.is_authenticated and user.is_active)
        and (
            bool(user.is_staff or user.is_superuser)  # type: ignore[union-attr]
            or any(m.role == "head" and m.organisation.kind != "admin" for m in active)
        ),
        "nav_alarms": any(
            m.organisation.is_police and m.role in ("handler", "head") for m in active
        ),
    }
