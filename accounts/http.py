"""The signed-in user of a request, typed (views of every app use this)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import LazyObject, empty

from accounts.models import User


def user_for_request(request: HttpRequest) -> User:
    """``request.user`` itself: Django and django-otp each wrap it in a lazy object, and a
    view reads the user's attributes hundreds of times, each through both wrappers (issue
    16, profiled). What django-otp sets on it (``is_verified``, ``otp_device``) is on the
    user underneath."""
    user: object = request.user
    while isinstance(user, LazyObject):
        if user._wrapped is empty:  # type: ignore[attr-defined]
            user._setup()  # type: ignore[attr-defined]
        user = user._wrapped  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
