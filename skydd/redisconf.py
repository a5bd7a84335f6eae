"""Redis behind Sentinel (README "Operations"): one master, replicas, and Sentinels that elect
a new master when it fails. Without ``REDIS_SENTINELS`` nothing here is used.

``REDIS_URL`` still says which database and password; under Sentinel its host and port are
ignored and the master is asked of the Sentinels instead (``REDIS_SENTINEL_MASTER``). The
same master serves three clients, each told here how to find it:

- Celery (kombu's ``sentinel://`` transport): ``sentinel_broker_url``;
- Django's cache (login throttling counters): ``SentinelPool`` as the cache's ``pool_class``;
- ``/healthz``: ``redis_client``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import redis
from django.conf import settings
from redis.sentinel import Sentinel, SentinelConnectionPool


def _db_and_auth(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    path = parts.path.strip("/")
    return {
        "db": int(path) if path.isdigit() else 0,
        "username": parts.username or None,
        "password": parts.password or None,
    }


def sentinel_broker_url(redis_url: str, sentinels: list[tuple[str, int]]) -> str:
    """kombu's form: one ``sentinel://`` URL per Sentinel, joined by ``;``; the password and
    database of ``redis_url`` are the master's."""
    parts = urlsplit(redis_url)
    userinfo = parts.netloc.rpartition("@")[0]
    auth = f"{userinfo}@" if userinfo else ""
    path = parts.path or "/0"
    return ";".join(f"sentinel://{auth}{host}:{port}{path}" for host, port in sentinels)


def _sentinel(timeout: float) -> Sentinel:
    return Sentinel(
        settings.REDIS_SENTINELS,
        socket_timeout=timeout,
        sentinel_kwargs={"socket_timeout": timeout, "socket_connect_timeout": timeout},
    )


class SentinelPool(SentinelConnectionPool):
    """A connection pool to the current master, built the way Django's Redis cache builds
    every pool (``pool_class.from_url(location, **options)``)."""

    @classmethod
    def from_url(cls, url: str, **options: Any) -> SentinelPool:  # type: ignore[override]
        timeout = options.get("socket_timeout", settings.REDIS_SOCKET_TIMEOUT)
        return cls(
            settings.REDIS_SENTINEL_MASTER,
            _sentinel(timeout),
            **(_db_and_auth(url) | options),
        )


def redis_client() -> redis.Redis:
    """A client of the master (through the Sentinels when they are configured)."""
    timeout = settings.REDIS_SOCKET_TIMEOUT
    if settings.REDIS_SENTINELS:
        pool = SentinelPool.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        return redis.Redis(connection_pool=pool)
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )
