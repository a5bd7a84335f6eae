"""The one e-mail helper: three templates per message (subject, text, html), Swedish.

E-mails carry references, counts and links only – never a name, personnummer, address or
threat text (tests/test_sentinels.py). Templates live in ``templates/emails/<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send(name: str, to: list[str], context: dict[str, Any] | None = None) -> None:
    """Render ``templates/emails/<name>*`` in Swedish and send one message to ``to``."""
    ctx = {"site_url": settings.SITE_URL, **(context or {})}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", ctx).split())
        text = render_to_string(f"emails/{name}.txt", ctx)
        html = render_to_string(f"emails/{name}.html", ctx)
    message = EmailMultiAlternatives(subject, text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
