"""accounts.http.user_for_request: the user under request.user's lazy wrappers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from accounts.http import user_for_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_under_both_lazy_wrappers_with_what_otp_set_on_it() -> None:
    """Django's AuthenticationMiddleware and django-otp's OTPMiddleware each wrap the user;
    what django-otp sets through its wrapper is on the user underneath."""
    user = UserFactory()
    request = RequestFactory().get("/")
    inner = SimpleLazyObject(lambda: user)
    outer = SimpleLazyObject(lambda: inner)
    outer.is_verified = lambda: True  # as OTPMiddleware._init_user_fields sets it
    request.user = outer
    found = user_for_request(request)
    assert found is user and type(found) is type(user)
    assert found.is_verified()


def test_an_anonymous_user_is_refused() -> None:
    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(AnonymousUser)
    with pytest.raises(AssertionError):
        user_for_request(request)
