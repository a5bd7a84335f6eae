"""A real SMTP server on localhost (aiosmtpd): what arrives, and a refusing server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from notifications.models import DigestRun, Message, Notification, Preference
from notifications.sweep import sweep
from notifications.unsubscribe import user_for_token
from tests.factories import make_case
from tests.notifications.conftest import body_of, days, follow_up, local, today_local

pytestmark = pytest.mark.django_db

TODAY = today_local()


def test_digest_arrives_with_one_click_unsubscribe_and_no_names(smtp_server, handler) -> None:
    DigestRun.objects.create(day=TODAY - days(1))
    case = make_case(handler)
    follow_up(case, handler, TODAY + days(1))
    sweep(local(TODAY, 6, 30))
    (message,) = smtp_server.messages
    assert message["To"] == handler.email
    assert message["Subject"] == f"Skydd {TODAY}: 1 påminnelse"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"]
    assert link.startswith("<http") and link.endswith(">")
    body = body_of(message)
    assert case.reference in body and handler.full_name not in body
    # The link: GET shows a form and changes nothing; POST (no session, no CSRF) unsubscribes.
    path = link[1:-1].split("8000", 1)[1]
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200 and b"<form" in page.content
    assert not Preference.objects.filter(user=handler).exists()
    assert client.post(path).status_code == 200
    assert Preference.objects.get(user=handler).digest is False
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert user_for_token(token) == handler.pk
    assert client.get(path[:-5] + "xxxx/").status_code == 404  # a forged token


def test_refusing_server_nothing_marked_sent_then_goes_out(smtp_server, handler) -> None:
    DigestRun.objects.create(day=TODAY - days(1))
    follow_up(make_case(handler), handler, TODAY)
    now = local(TODAY, 6, 30)
    smtp_server.refuse = True
    sweep(now)
    message = Message.objects.get()
    assert message.status == Message.Status.PENDING and message.sent_at is None
    assert message.last_error == "SMTPDataError 451"
    assert Notification.objects.get().status == Notification.Status.PENDING
    assert smtp_server.messages == []
    smtp_server.refuse = False
    sweep(now + timedelta(seconds=30))  # still backing off
    assert smtp_server.messages == []
    sweep(message.next_attempt_at)
    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert Notification.objects.get().status == Notification.Status.SENT
    sweep(message.next_attempt_at + timedelta(minutes=5))
    assert len(smtp_server.messages) == 1


def test_mail_is_rendered_in_the_recipients_language(smtp_server, handler) -> None:
    # The English strings come with the catalogue the lead regenerates; the language
    # the mail is rendered in is already the recipient's.
    DigestRun.objects.create(day=TODAY - days(1))
    Preference.objects.create(user=handler, language="en")
    follow_up(make_case(handler), handler, TODAY)
    sweep(local(TODAY, 6, 30))
    (message,) = smtp_server.messages
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert '<html lang="en">' in html.get_content()
