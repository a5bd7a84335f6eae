from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    memberships: list[Any] = []
    if user is not None and user.is_authenticated:
        memberships = list(
            user.memberships.filter(is_active=True).select_related("organisation")  # type: ignore[union-attr]
        )
    return {"skydd_demo": settings.SKYDD_DEMO, "user_memberships": memberships}
