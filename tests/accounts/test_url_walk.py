"""Every non-public URL needs a verified second factor – the Django admin included."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.urlwalk import walk

# The password link (sent by e-mail) is for a user who cannot log in: no session needed;
# the scheduler health check and the signed unsubscribe link of e-mails (RFC 8058).
PUBLIC_NAMES = {
    "healthz",
    "accounts:password_link",
    "healthz_scheduler",
    "notifications:unsubscribe",
}
PASSWORD_STEP_NAMES = {"accounts:login", "accounts:otp", "accounts:enrol", "accounts:logout"}


def test_walk_finds_the_admin_and_the_login_steps() -> None:
    names = {url.name for url in walk()}
    assert {"admin:index", "accounts:login", "core:overview", "healthz"} <= names
    assert len(names) > 40  # the admin alone has dozens; a broken walk would find few


@pytest.mark.django_db
def test_anonymous_reaches_nothing_but_public_and_login_pages() -> None:
    client = Client()
    for url in walk():
        if url.name in PUBLIC_NAMES | PASSWORD_STEP_NAMES:
            continue
        response = client.get(url.path)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith("/login/?next="), url


@pytest.mark.django_db
def test_password_only_user_reaches_no_page_but_the_second_factor() -> None:
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)  # password step done, second factor not
    for url in walk():
        if url.name in PUBLIC_NAMES | PASSWORD_STEP_NAMES:
            continue
        response = client.get(url.path)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith("/login/kod/?next="), url


@pytest.mark.django_db
def test_password_only_user_is_sent_to_otp_from_the_admin() -> None:
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/login/kod/?next=%2Fadmin%2Faccounts%2Fuser%2F"
