"""The one e-mail helper: three templates per message (subject, text, html), rendered in one
language (Swedish unless the caller passes the recipient's).

E-mails carry references, counts and links only – never a name, personnummer, address or
threat text (tests/test_sentinels.py). A message ``<app>/<name>`` has its templates in
``templates/emails/<app>/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``; the
context always has ``site_url``. Every app sends through here: account e-mails with
``send``, the reminder digests and notices with ``build`` (they add the unsubscribe headers
and are sent in batches over one connection).
"""

from __future__ import annotations

import email.headerregistry
import email.policy
import functools
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute(path: str) -> str:
    """An absolute link for an e-mail (``SITE_URL`` + a path from ``reverse``)."""
    return f"{settings.SITE_URL}{path}"


class _HeaderClasses(email.headerregistry.HeaderRegistry):
    """The standard registry, but each header's class is made once instead of on every
    header set (``HeaderRegistry.__getitem__`` calls ``type()`` each time: a fifth of the
    MIME work of a nightly run). The classes are stateless; the output is the same."""

    @functools.cache  # noqa: B019 - one registry per process, never freed anyway
    def __getitem__(self, name: str) -> type:
        return super().__getitem__(name)


_HEADERS = _HeaderClasses()


class LongHeaderEmail(EmailMultiAlternatives):
    """Header lines up to RFC 5322's 998 characters: the List-Unsubscribe URL is one long
    word, which the default policy (78) would turn into an encoded word that mail clients
    do not read as a URL. (Under this policy the standard library also picks base64 rather
    than quoted-printable for the bodies; the account e-mails keep the default policy.)"""

    def message(self, *, policy: Any = None) -> Any:
        policy = policy or email.policy.default
        return super().message(policy=policy.clone(max_line_length=998, header_factory=_HEADERS))


def render(name: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """(subject on one line, text, html) of message ``name`` in ``language``."""
    ctx = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", ctx).split())
        text = render_to_string(f"emails/{name}.txt", ctx)
        html = render_to_string(f"emails/{name}.html", ctx)
    return subject, text, html


def build(
    name: str,
    to: list[str],
    context: dict[str, Any] | None = None,
    *,
    language: str | None = None,
    headers: dict[str, str] | None = None,
    long_headers: bool = False,
) -> EmailMultiAlternatives:
    """Message ``name`` to ``to``, from ``DEFAULT_FROM_EMAIL``, ready to send;
    ``long_headers`` for a header that must stay one line (``LongHeaderEmail``)."""
    subject, text, html = render(name, context or {}, language or settings.LANGUAGE_CODE)
    cls = LongHeaderEmail if long_headers else EmailMultiAlternatives
    message = cls(subject, text, settings.DEFAULT_FROM_EMAIL, to, headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def send(name: str, to: list[str], context: dict[str, Any] | None = None) -> None:
    """Render message ``name`` in Swedish and send it to ``to``."""
    build(name, to, context).send()
