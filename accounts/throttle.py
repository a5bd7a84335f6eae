"""Login throttling beyond django-axes' per-account lockout.

Two mechanisms, both in the cache (Redis in production):

* **Per client address, slow down – never lock out.** After ``LOGIN_IP_SLOWDOWN_AFTER``
  failed password steps from one address within ``LOGIN_COOLOFF_MINUTES`` (across all
  accounts: password spraying), every further attempt from that address must wait after the
  previous failure – 1, 2, 4 … up to ``LOGIN_IP_MAX_DELAY_SECONDS`` seconds. A police
  station behind one NAT address is slowed down for at most that long, never shut out.
  A successful login does not reset the counter (else one valid account would reset it).
* **Known browsers are not locked out by strangers.** A browser that completed both login
  steps for an account gets a signed cookie naming that account (random nonce, no personal
  data). The per-account lockout (axes) then does not apply to that browser for that
  account; instead the browser has its own limit of ``LOGIN_FAILURE_LIMIT`` failures per
  cool-off. So anyone can lock a named account for *new* browsers (that is what stops
  guessing), but not its owner's usual browser (the OWASP "device cookie" pattern).
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from accounts.auth import axes_username

logger = logging.getLogger(__name__)

_SALT = "skydd.known-device"
_MAX_ACCOUNTS_PER_BROWSER = 5


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the entry our own TLS proxy appended."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The rightmost entry is the one our proxy added; the rest is client-controlled.
            return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _ip_keys(address: str) -> tuple[str, str]:
    return f"login-ip:n:{address}", f"login-ip:last:{address}"


def address_wait_seconds(request: HttpRequest) -> int:
    """Seconds the client address must still wait before its next password attempt."""
    count_key, last_key = _ip_keys(client_address(request))
    count = cache.get(count_key) or 0
    over = count - settings.LOGIN_IP_SLOWDOWN_AFTER
    if over < 0:
        return 0
    last = cache.get(last_key) or 0.0
    delay = min(2**over, settings.LOGIN_IP_MAX_DELAY_SECONDS)
    return max(0, math.ceil(last + delay - time.time()))


def record_address_failure(request: HttpRequest) -> None:
    count_key, last_key = _ip_keys(client_address(request))
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(count_key, 0, timeout=window)
    try:
        cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=window)
    cache.set(last_key, time.time(), timeout=window)


# Known browsers ---------------------------------------------------------------------------


def _cookie_entries(request: HttpRequest) -> list[list[Any]]:
    raw = request.COOKIES.get(settings.KNOWN_DEVICE_COOKIE_NAME, "")
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=settings.KNOWN_DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, list) and len(e) == 2]


def remember_browser(request: HttpRequest, response: HttpResponse, user_id: int) -> None:
    """After both login steps: mark this browser as known for ``user_id``."""
    entries = [e for e in _cookie_entries(request) if e[0] != user_id]
    entries = [[user_id, secrets.token_urlsafe(16)], *entries][:_MAX_ACCOUNTS_PER_BROWSER]
    response.set_cookie(
        settings.KNOWN_DEVICE_COOKIE_NAME,
        signing.dumps(entries, salt=_SALT),
        max_age=settings.KNOWN_DEVICE_MAX_AGE,
        secure=settings.SECURE_COOKIES,
        httponly=True,
        samesite="Lax",
    )


def _known_nonce(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    entries = _cookie_entries(request)
    if not entries:
        return None
    from accounts.models import User

    email = axes_username(request, credentials)
    user_id = User.objects.filter(email=email).values_list("pk", flat=True).first()
    if user_id is None:
        return None
    nonce = next((str(n) for uid, n in entries if uid == user_id), None)
    if nonce is None:
        return None
    failures = cache.get(f"login-known:{nonce}") or 0
    return nonce if failures < settings.AXES_FAILURE_LIMIT else None


def known_browser_exhausted(request: HttpRequest) -> bool:
    """True when this browser is known for the account in the POST but has used up its own
    failure limit: it is then refused like a locked account."""
    entries = _cookie_entries(request)
    if not entries:
        return False
    from accounts.models import User

    user_id = (
        User.objects.filter(email=axes_username(request, None)).values_list("pk", flat=True).first()
    )
    nonce = next((str(n) for uid, n in entries if uid == user_id), None)
    if nonce is None:
        return False
    return (cache.get(f"login-known:{nonce}") or 0) >= settings.AXES_FAILURE_LIMIT


def axes_known_browser(request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
    """AXES_WHITELIST_CALLABLE: the per-account lockout does not apply to a known browser
    (which has its own failure limit, counted below)."""
    if request is None:
        return False
    return _known_nonce(request, credentials) is not None


@receiver(user_login_failed)
def count_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:
        return
    record_address_failure(request)
    nonce = _known_nonce(request, credentials)
    if nonce is not None:
        key = f"login-known:{nonce}"
        cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
