"""End every session of a user who is deactivated, and track sessions at login."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
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


def end_all_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@receiver(post_save, sender=User)
def end_sessions_of_deactivated_user(sender: Any, instance: User, **kwargs: Any) -> None:
    if not instance.is_active:
        end_all_sessions(instance)
