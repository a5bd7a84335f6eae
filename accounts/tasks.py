from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User, UserSession
from skydd import emails

logger = logging.getLogger(__name__)

ACCOUNT_EMAILS = {"password_reset", "invitation", "lockout"}


@shared_task
def clear_expired_sessions() -> int:
    """Delete expired sessions and their user links. Safe to run twice."""
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    keys = list(expired.values_list("session_key", flat=True))
    UserSession.objects.filter(session_key__in=keys).delete()
    deleted, _ = expired.delete()
    return deleted


@shared_task
def send_account_email(user_id: int, kind: str) -> bool:
    """Send one account e-mail (a password link or a lockout notice). Takes ids only; a link
    is made when the task runs, so a re-run sends a link that works just as well."""
    if kind not in ACCOUNT_EMAILS:
        raise ValueError(kind)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    context: dict[str, object] = {
        "hours": int(settings.PASSWORD_RESET_TIMEOUT // 3600),
        "login_url": settings.SITE_URL + reverse("accounts:login"),
    }
    if kind in {"password_reset", "invitation"}:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("accounts:password_link", kwargs={"uidb64": uid, "token": token})
        context["link"] = settings.SITE_URL + path
    emails.send(f"accounts/{kind}", [user.email], context)
    return True


def enqueue_account_email(user_id: int, kind: str) -> None:
    """After commit, hand the e-mail to Celery; a broker that is down never fails the
    request: the e-mail is then sent in-process."""

    def _send() -> None:
        try:
            send_account_email.delay(user_id, kind)
        except Exception:  # kombu raises several kinds when Redis is unreachable
            logger.warning("Broker unavailable: account e-mail sent in-process")
            send_account_email.apply(args=(user_id, kind))

    transaction.on_commit(_send)
