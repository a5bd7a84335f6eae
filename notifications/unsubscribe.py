"""The signed one-click unsubscribe link (RFC 8058) every reminder e-mail carries; the
e-mails themselves are made by the one helper, ``skydd.emails``."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from skydd.emails import absolute

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT, compress=False)


def user_for_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(user_id: int) -> str:
    return absolute(
        reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user_id)})
    )
