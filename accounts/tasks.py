from __future__ import annotations

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import UserSession


@shared_task
def clear_expired_sessions() -> int:
    """Delete expired sessions and their user links. Safe to run twice."""
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    keys = list(expired.values_list("session_key", flat=True))
    UserSession.objects.filter(session_key__in=keys).delete()
    deleted, _ = expired.delete()
    return deleted
