"""Matrix entries for the notification pages (notifications/urls.py) and the scheduler's
health check."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from notifications.models import SweepState
from notifications.unsubscribe import unsubscribe_token
from tests.matrix import Route, World, everyone, no_kwargs


def build(world: World) -> None:
    SweepState.objects.update_or_create(name="sweep", defaults={"last_success_at": timezone.now()})


def token_kwargs(world: World) -> dict[str, Any]:
    # The signed token is the authorisation: any session (or none) may open the form.
    return {"token": unsubscribe_token(world.users["handler"].pk)}


ROUTES = [
    Route("notifications:preferences", no_kwargs, everyone(200)),
    Route("notifications:unsubscribe", token_kwargs, everyone(200)),
    Route("healthz_scheduler", no_kwargs, everyone(200)),
]
