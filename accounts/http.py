"""The signed-in user of a request, typed (views of every app use this)."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


def user_for_request(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
