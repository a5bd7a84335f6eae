from __future__ import annotations

from typing import Any

from django import template

from notifications.content import preference, preview_for

register = template.Library()


@register.inclusion_tag("notifications/_digest_preview.html", takes_context=True)
def digest_preview(context: template.Context) -> dict[str, Any]:
    """The start page's section: what the user's daily digest would say now."""
    user = context["request"].user
    from django.conf import settings

    return {
        "groups": preview_for(user),
        "digest_on": preference(user).digest,
        "digest_time": settings.NOTIFICATIONS_DIGEST_TIME,
    }
