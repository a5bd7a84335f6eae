from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User, UserSession
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post("/login/", {"username": email, "password": password})


def test_password_then_totp_reaches_the_overview() -> None:
    user = UserFactory(email="anna@polis.test", full_name="Anna Test")
    client = Client()
    response = password_step(client, "Anna@Polis.test")
    assert response.status_code == 302
    assert response["Location"] == "/login/kod/"
    assert client.get("/").status_code == 302  # not yet verified

    response = client.post("/login/kod/", {"otp_token": current_code(user)})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Översikt" in page.content.decode()
    assert "Anna Test" in page.content.decode()


def test_wrong_totp_code_gets_a_swedish_error_and_no_access() -> None:
    UserFactory(email="anna@polis.test")
    client = Client()
    password_step(client, "anna@polis.test")
    response = client.post("/login/kod/", {"otp_token": "000000"})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get("/").status_code == 302


def test_next_parameter_survives_both_steps_but_not_to_another_host() -> None:
    user = UserFactory(email="anna@polis.test")
    client = Client()
    client.post("/login/?next=/admin/", {"username": "anna@polis.test", "password": PASSWORD})
    response = client.post("/login/kod/?next=/admin/", {"otp_token": current_code(user)})
    assert response["Location"] == "/admin/"

    # A code is accepted once only, so the second half logs in another user.
    bertil = UserFactory(email="bertil@polis.test")
    other = Client()
    other.post("/login/", {"username": "bertil@polis.test", "password": PASSWORD})
    response = other.post(
        "/login/kod/?next=https://evil.example/", {"otp_token": current_code(bertil)}
    )
    assert response["Location"] == "/"


def test_login_does_not_reveal_whether_the_account_exists() -> None:
    UserFactory(email="anna@polis.test")
    wrong_password = password_step(Client(), "anna@polis.test", "fel-lösenord")
    unknown = password_step(Client(), "finns.inte@polis.test", "fel-lösenord")
    assert wrong_password.status_code == unknown.status_code == 200
    assert "Fel e-postadress eller lösenord." in wrong_password.content.decode()
    assert "Fel e-postadress eller lösenord." in unknown.content.decode()


def test_inactive_user_gets_the_same_message_as_a_wrong_password() -> None:
    UserFactory(email="anna@polis.test", is_active=False)
    response = password_step(Client(), "anna@polis.test")
    assert response.status_code == 200
    assert "Fel e-postadress eller lösenord." in response.content.decode()


def test_ten_failures_lock_the_account_not_a_colleague_on_the_same_ip() -> None:
    UserFactory(email="anna@polis.test")
    colleague = UserFactory(email="bertil@polis.test")
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(10):
        password_step(client, "anna@polis.test", "fel-lösenord")

    locked = password_step(Client(REMOTE_ADDR="10.1.2.3"), "anna@polis.test")
    assert locked.status_code == 429
    assert "tillfälligt spärrad" in locked.content.decode()

    same_ip = Client(REMOTE_ADDR="10.1.2.3")
    response = password_step(same_ip, colleague.email)
    assert response.status_code == 302
    assert response["Location"] == "/login/kod/"


def test_unknown_accounts_lock_the_same_way() -> None:
    for _ in range(10):
        password_step(Client(), "finns.inte@polis.test", "fel")
    assert password_step(Client(), "finns.inte@polis.test", "fel").status_code == 429


def test_lockout_lifts_after_the_cool_off() -> None:
    UserFactory(email="anna@polis.test")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            password_step(Client(), "anna@polis.test", "fel")
        assert password_step(Client(), "anna@polis.test").status_code == 429
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert password_step(Client(), "anna@polis.test").status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = password_step(Client(), "anna@polis.test")
        assert response.status_code == 302


def test_login_cycles_the_session_id() -> None:
    UserFactory(email="anna@polis.test")
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    password_step(client, "anna@polis.test")
    assert client.session.session_key != before


def test_enrolment_shows_a_qr_code_and_confirms_the_device() -> None:
    user = UserFactory(email="ny@polis.test")
    TOTPDevice.objects.filter(user=user).delete()
    client = Client()
    response = password_step(client, "ny@polis.test")
    assert response["Location"] == "/login/aktivera/"
    page = client.get("/login/aktivera/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    bad = client.post("/login/aktivera/", {"otp_token": "12345"})
    assert "sex siffror" in bad.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/login/aktivera/", {"otp_token": code})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_enrolment_is_refused_once_a_device_is_confirmed() -> None:
    UserFactory(email="anna@polis.test")
    client = Client()
    password_step(client, "anna@polis.test")
    response = client.get("/login/aktivera/")
    assert response["Location"] == "/login/kod/"


def test_logout_is_post_only_and_ends_the_session(login) -> None:
    user = UserFactory()
    client = login(user)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_idle_session_ends_after_fifteen_minutes(login) -> None:
    client = login(UserFactory())
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200  # 15 min after the last request: still fine
    with time_machine.travel(start + timedelta(minutes=45), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
        assert client.get("/").status_code == 302


def test_idle_stamp_is_written_at_most_once_a_minute_and_never_lets_a_session_run_long(
    login,
) -> None:
    """Requests within a minute don't save the session again (issue 16: an UPDATE per page);
    a stale stamp can only end an idle session early, never late."""
    from django.contrib.sessions.models import Session

    client = login(UserFactory())
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get("/").status_code == 200
    key = client.session.session_key
    saved = Session.objects.get(session_key=key).session_data
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).session_data == saved  # not written again
    with time_machine.travel(start + timedelta(seconds=70), tick=False):
        assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).session_data != saved
    # 15 minutes and a second after the last stamp, the session has ended.
    with time_machine.travel(start + timedelta(seconds=70 + 15 * 60 + 1), tick=False):
        assert client.get("/").status_code == 302


def test_session_ends_after_twelve_hours_however_active(login) -> None:
    client = login(UserFactory())
    start = timezone.now()
    for minutes in range(0, 12 * 60, 10):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_their_sessions() -> None:
    user = UserFactory(email="anna@polis.test")
    client = Client()
    password_step(client, "anna@polis.test")
    client.post("/login/kod/", {"otp_token": current_code(user)})
    assert client.get("/").status_code == 200
    key = client.session.session_key
    assert UserSession.objects.filter(user=user, session_key=key).exists()

    user.is_active = False
    user.save()
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
