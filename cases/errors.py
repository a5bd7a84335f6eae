"""The one family of domain errors raised by the services of every app.

Services raise these; views never translate them by hand: ``skydd.middleware`` (the one
place) maps them to HTTP — ``NotAllowed`` to 404 (so that nothing leaks), ``CaseClosed`` and
``Invalid`` to a message beside the form, ``Conflict`` to the edit-conflict form. Every
``message`` is Swedish (gettext) and meant for the user; it never carries personal data.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refused change. ``message`` is shown to the user."""

    default_message = ""

    def __init__(self, message: str | None = None) -> None:
        if message is None and self.default_message:
            message = _(self.default_message)
        self.message = message or ""
        super().__init__(self.message)


class NotAllowed(DomainError):
    """The actor may not do this (no access, wrong party, read-only access). Answered 404."""

    default_message = "Du har inte behörighet att göra den här ändringen."


class CaseClosed(DomainError):
    """The case is closed and therefore read-only."""

    def __init__(self, case: Any = None, message: str | None = None) -> None:
        self.case = case
        if message is None:
            reference = getattr(case, "reference", "")
            message = _(
                "Ärendet %(reference)s är avslutat och kan inte ändras. "
                "En enhetschef kan återöppna det."
            ) % {"reference": reference}
        super().__init__(message)


class Conflict(DomainError):
    """Someone else saved the same object since this user loaded it (optimistic locking).

    ``current`` is the row as saved now, so the form can show it beside what was typed.
    """

    def __init__(self, message: str | None = None, *, current: Any = None) -> None:
        super().__init__(
            message
            or _(
                "Någon annan har sparat ändringar sedan du öppnade sidan. Det du skrev finns "
                "kvar i formuläret: kontrollera och spara igen."
            )
        )
        self.current = current


class Invalid(DomainError):
    """The input breaks a rule of the domain; ``field`` names the form field, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
