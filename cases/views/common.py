"""What the case views share: the page size, the order of roles, the conflict message and
the list query with the responsible handlers (the conflict message and form are in
``cases.formfields``; ``CONFLICT`` is re-exported for old callers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from cases.caserows import ROLE_ORDER, role_ordering
from cases.formfields import CONFLICT
from cases.models import (
    Participant,
    Person,
)

__all__ = ["CONFLICT", "PAGE_SIZE", "ROLE_ORDER", "tell_person_matches"]

PAGE_SIZE = 50
_role_ordering = role_ordering  # the views' name for it


def tell_person_matches(request: HttpRequest, matches: list[Any]) -> None:
    """Tell the handler that a personnummer was already registered (issue 11), within need
    to know: cases they may open are linked; anything else is only "already registered" –
    no case, unit or name, on the page or anywhere else in the response."""
    for match in matches:
        role = str(Participant.Role(match.role).label).lower()
        if match.openable:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("cases:detail", kwargs={"key": case.key}), case.reference)
                    for case in match.openable
                ),
            )
            messages.info(
                request,
                format_html(
                    _(
                        "Personnumret ({role}) var redan registrerat. Personen finns även i "
                        "{links}."
                    ),
                    role=role,
                    links=links,
                ),
            )
        if match.elsewhere:
            messages.info(
                request,
                _(
                    "Personnumret (%(role)s) var redan registrerat. Den befintliga personposten "
                    "används och personens högsta skyddsnivå gäller."
                )
                % {"role": role},
            )
        if match.raised_to:
            messages.info(
                request,
                _("Skyddsnivån (%(role)s) höjdes till %(level)s.")
                % {"role": role, "level": str(Person.Protection(match.raised_to).label).lower()},
            )
