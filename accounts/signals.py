"""End every session of a user who is deactivated, track sessions at login, and tell an
account's owner when it is locked."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import User, UserSession


@receiver(user_logged_in)
def remember_session(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    key = request.session.session_key
    if key is None:
        request.session.save()
        key = request.session.session_key
    if key:
        UserSession.objects.get_or_create(session_key=key, defaults={"user": user})


@receiver(user_logged_out)
def forget_session(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).delete()


def end_all_sessions(user: User, *, keep: str | None = None) -> int:
    """End every session of ``user`` (except the one with key ``keep``)."""
    links = UserSession.objects.filter(user=user)
    if keep:
        links = links.exclude(session_key=keep)
    keys = list(links.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    links.delete()
    return len(keys)


def rotate_session_key(request: HttpRequest, user: User) -> None:
    """A new session key (e.g. once the second factor is verified), still tracked."""
    old = request.session.session_key
    request.session.cycle_key()
    new = request.session.session_key
    if old and new:
        UserSession.objects.filter(session_key=old).delete()
    if new:
        UserSession.objects.get_or_create(session_key=new, defaults={"user": user})


@receiver(post_save, sender=User)
def end_sessions_of_deactivated_user(sender: Any, instance: User, **kwargs: Any) -> None:
    if not instance.is_active:
        end_all_sessions(instance)


@receiver(user_locked_out)
def tell_owner_of_lockout(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    """One e-mail per lockout to the owner of an existing account (after commit, through
    Celery, so that the response time does not reveal whether the account exists)."""
    from accounts.tasks import enqueue_account_email

    if not username:
        return
    user_id = User.objects.filter(email=username, is_active=True).values_list("pk", flat=True)
    uid = user_id.first()
    if uid is None:
        return
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if cache.add(f"lockout-mail:{uid}", 1, timeout=window):
        enqueue_account_email(uid, "lockout")
