"""Settings for the test suite: the real PostgreSQL and Redis at 127.0.0.1 by default."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "k" * 60)
os.environ.setdefault("PERSONNUMMER_HMAC_KEY", "test-only-hmac-key-" + "h" * 40)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/skydd")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from skydd.settings import *  # noqa: F403
from skydd.settings import CACHES, STATIC_ROOT, STORAGES

# The cache is the real Redis; each pytest-xdist worker gets its own key prefix so that a
# test can empty its worker's keys (login throttling counters) without touching another's.
CACHES = {
    alias: {**config, "KEY_PREFIX": "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")}
    for alias, config in CACHES.items()
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests drive tasks explicitly (call them, or run a real worker against Redis).
CELERY_TASK_ALWAYS_EAGER = False
# WhiteNoise warns on every test request when STATIC_ROOT does not exist (a fresh clone).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
