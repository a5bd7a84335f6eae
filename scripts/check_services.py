"""Stop `make test` with one clear line when PostgreSQL or Redis does not answer."""

from __future__ import annotations

import os
import sys

import dj_database_url
import psycopg
import redis

database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/skydd")
redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")

db = dj_database_url.parse(database_url)
try:
    psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=int(db["PORT"] or 5432),
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=3,
    ).close()
except psycopg.Error as exc:
    where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    sys.exit(f"PostgreSQL svarar inte på {where} (DATABASE_URL): {first}")

try:
    redis.Redis.from_url(redis_url, socket_timeout=3, socket_connect_timeout=3).ping()
except redis.RedisError as exc:
    sys.exit(f"Redis svarar inte på {redis_url} (REDIS_URL): {exc}")
