"""/healthz: database and Redis state as JSON, no login, no personal data."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from skydd.redisconf import redis_client


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "disabled"
    try:
        return "ok" if redis_client().ping() else "error"
    except redis.RedisError:
        return "error"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = "ok" if _database_ok() else "error"
    redis_state = _redis_state()
    healthy = database == "ok" and redis_state in ("ok", "disabled")
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "redis": redis_state},
        status=200 if healthy else 503,
    )
