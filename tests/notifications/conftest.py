"""Fixtures of the notification tests: local times, a real SMTP server on localhost."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from accounts.models import User
from cases.models import FollowUp, ProtectionCase

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(day: date, hour: int = 6, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def follow_up(case: ProtectionCase, assignee: User | None, due: date, **kw: object) -> FollowUp:
    return FollowUp.objects.create(
        case=case, kind="conversation", due_date=due, assignee=assignee, **kw
    )


def today_local() -> date:
    return datetime.now(STOCKHOLM).date()


def days(n: int) -> timedelta:
    return timedelta(days=n)


class Recorder:
    """aiosmtpd handler: keeps every accepted message; refuses while ``refuse`` is set."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings: pytest.FixtureRequest) -> Iterator[Recorder]:
    """A real SMTP server on localhost; the mailer points at it for the test."""
    recorder = Recorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        yield recorder
    finally:
        controller.stop()


def body_of(message: EmailMessage) -> str:
    parts = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    return "\n".join(parts)
