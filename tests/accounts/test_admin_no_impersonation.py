"""Administrators administer, never impersonate: no secret, no password form; resets go
to the user; every action is logged and reviewed by another administrator."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AdminActionReview, User, UserSession
from accounts.tasks import send_account_email
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _secret_forms(device: TOTPDevice) -> list[str]:
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return [device.key, b32, " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))]


def _assert_no_secret(html: str, device: TOTPDevice) -> None:
    for form in _secret_forms(device):
        assert form not in html
    assert "otpauth://" not in html
    assert "data:image" not in html


def test_device_admin_shows_no_secret_and_cannot_add(login, admin, handler) -> None:
    client = login(admin)
    device = TOTPDevice.objects.get(user=admin)
    other = TOTPDevice.objects.create(user=handler, name="app", confirmed=True)
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200
    _assert_no_secret(listing.content.decode(), other)
    page = client.get(f"/admin/otp_totp/totpdevice/{other.pk}/change/")
    assert page.status_code == 200
    _assert_no_secret(page.content.decode(), other)
    assert 'name="key"' not in page.content.decode()
    history = client.get(f"/admin/otp_totp/totpdevice/{other.pk}/history/")
    _assert_no_secret(history.content.decode(), other)
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{other.pk}/config/").status_code in {302, 404}
    assert client.get(f"/admin/otp_totp/totpdevice/{other.pk}/qrcode/").status_code in {302, 404}
    # A POST cannot change the key either.
    client.post(f"/admin/otp_totp/totpdevice/{other.pk}/change/", {"key": "00" * 20})
    other.refresh_from_db()
    assert other.key != "00" * 20
    assert device.pk != other.pk


def test_user_admin_has_no_password_form_on_change_or_add(login, admin, handler) -> None:
    client = login(admin)
    change = client.get(f"/admin/accounts/user/{handler.pk}/change/").content.decode()
    assert 'type="password"' not in change
    assert "password" not in re.findall(r'name="([^"]+)"', change)
    assert "/password/" not in change
    assert client.get(f"/admin/accounts/user/{handler.pk}/password/").status_code in {302, 404}
    add = client.get("/admin/accounts/user/add/").content.decode()
    assert 'type="password"' not in add
    # A posted password is ignored: the stored hash does not change.
    before = User.objects.get(pk=handler.pk).password
    client.post(
        f"/admin/accounts/user/{handler.pk}/password/",
        {"password1": "Nytt-lösen-123", "password2": "Nytt-lösen-123"},
    )
    assert User.objects.get(pk=handler.pk).password == before


def test_adding_a_user_sends_an_invitation_link_not_a_password(
    login, admin, django_capture_on_commit_callbacks
) -> None:
    client = login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/admin/accounts/user/add/",
            {
                "email": "Ny.Person@Polis.test",
                "full_name": "Ny Person",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="ny.person@polis.test")
    assert not user.has_usable_password()
    assert len(callbacks) == 1
    assert LogEntry.objects.filter(object_id=str(user.pk), action_flag=1).exists()
    # What the task sends (it runs on a worker; here in-process, ids only).
    assert send_account_email(user.pk, "invitation")
    message = mail.outbox[-1]
    assert message.to == ["ny.person@polis.test"]
    assert "Ny Person" not in message.body + message.subject
    link = re.search(r"http\S+/losenord/lank/\S+/", message.body).group(0)
    path = link.split("127.0.0.1:8000")[-1] if "127.0.0.1:8000" in link else link
    _choose_password(path, "Ett-bra-lösenord-42")
    user.refresh_from_db()
    assert user.check_password("Ett-bra-lösenord-42")
    # Single use: the same link no longer works.
    page = Client().get(path, follow=True)
    assert "Länken fungerar inte längre" in page.content.decode()


def _choose_password(path: str, password: str) -> None:
    client = Client()
    response = client.get(path)
    assert response.status_code == 302  # Django moves the token out of the URL
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/login/"


def test_reset_password_action_sends_a_time_limited_link_and_logs(
    login, admin, handler, django_capture_on_commit_callbacks
) -> None:
    client = login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            "/admin/accounts/user/",
            {"action": "send_password_link", "_selected_action": [handler.pk]},
        )
    assert len(callbacks) == 1
    entry = LogEntry.objects.get(object_id=str(handler.pk), action_flag=CHANGE)
    assert entry.user_id == admin.pk
    assert "Länk för nytt lösenord" in entry.get_change_message()
    send_account_email(handler.pk, "password_reset")
    body = mail.outbox[-1].body
    assert "24 timmar" in body
    path = re.search(r"/losenord/lank/\S+/", body).group(0)
    later = timezone.now() + timedelta(hours=26)
    with time_machine.travel(later, tick=False):
        page = Client().get(path, follow=True).content.decode()
    assert "Länken fungerar inte längre" in page, page[page.find("<main") :][:1500]
    within = Client().get(path, follow=True).content.decode()
    assert "Välj lösenord" in within


def test_reset_second_factor_ends_sessions_and_forces_enrolment(login, admin, handler) -> None:
    victim = login(handler)
    assert victim.get("/").status_code == 200
    assert UserSession.objects.filter(user=handler).exists()
    client = login(admin)
    client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [handler.pk]},
    )
    assert not TOTPDevice.objects.filter(user=handler).exists()
    assert not UserSession.objects.filter(user=handler).exists()
    keys = UserSession.objects.values_list("session_key", flat=True)
    assert Session.objects.filter(session_key__in=keys).count() == len(keys)
    # The old session is gone ...
    assert victim.get("/").status_code == 302
    # ... and the next login asks for a new enrolment by the user.
    fresh = Client()
    response = fresh.post("/login/", {"username": handler.email, "password": PASSWORD})
    assert response["Location"] == "/login/aktivera/"
    entry = LogEntry.objects.get(object_id=str(handler.pk), action_flag=CHANGE)
    assert entry.user_id == admin.pk


def test_admin_actions_are_listed_and_reviewed_only_by_another_admin(login, admin) -> None:
    second = UserFactory(email="admin2@skydd.test", is_staff=True, is_superuser=True)
    target = UserFactory(email="x@polis.test")
    first_client = login(admin)
    first_client.post(
        "/admin/accounts/user/", {"action": "send_password_link", "_selected_action": [target.pk]}
    )
    entry = LogEntry.objects.get(object_id=str(target.pk))
    page = first_client.get("/admin/accounts/adminaction/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Administratörsåtgärder" in html or "administratörsåtgärd" in html
    assert "Ej granskad" in html
    # The actor cannot review their own action.
    first_client.post(
        "/admin/accounts/adminaction/",
        {"action": "mark_reviewed", "_selected_action": [entry.pk]},
    )
    assert not AdminActionReview.objects.filter(entry=entry).exists()
    second_client = login(second)
    second_client.post(
        "/admin/accounts/adminaction/",
        {"action": "mark_reviewed", "_selected_action": [entry.pk]},
    )
    review = AdminActionReview.objects.get(entry=entry)
    assert review.reviewed_by == second
    # Nothing can be changed or deleted there.
    assert second_client.get(f"/admin/accounts/adminaction/{entry.pk}/delete/").status_code == 403
    assert second_client.get("/admin/accounts/adminaction/add/").status_code == 403


def test_admin_action_list_has_a_constant_number_of_queries(
    login, admin, django_assert_max_num_queries
) -> None:
    from django.contrib.contenttypes.models import ContentType

    client = login(admin)
    ct = ContentType.objects.get_for_model(User)

    def add(n: int) -> None:
        for i in range(n):
            LogEntry.objects.log_actions(
                user_id=admin.pk,
                queryset=[UserFactory()],
                action_flag=CHANGE,
                change_message=f"ändring {i}",
            )

    add(2)
    client.get("/admin/accounts/adminaction/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/admin/accounts/adminaction/")
    add(20)
    with CaptureQueriesContext(connection) as large:
        client.get("/admin/accounts/adminaction/")
    assert len(large) == len(small)
    assert ct


def test_deleting_a_device_in_the_device_list_also_ends_the_sessions(login, admin, handler) -> None:
    victim = login(handler)
    assert victim.get("/").status_code == 200
    device = TOTPDevice.objects.get(user=handler)
    client = login(admin)
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=handler).exists()
    assert not UserSession.objects.filter(user=handler).exists()
    assert victim.get("/").status_code == 302
    assert LogEntry.objects.filter(object_id=str(device.pk), action_flag=3).exists()
