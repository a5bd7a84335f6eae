"""What the case views share: the page size, the order of roles, the conflict message and
the list query with the responsible handlers."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from cases.models import (
    Participant,
    ProtectionCase,
)

PAGE_SIZE = 50
ROLE_ORDER = [
    Participant.Role.PROTECTED,
    Participant.Role.RELATIVE,
    Participant.Role.CHILD,
    Participant.Role.THREAT_ACTOR,
]
CONFLICT = gettext_lazy(
    "Någon annan har sparat ändringar medan du redigerade. Dina ändringar är INTE sparade, "
    "men allt du skrev finns kvar nedan. Jämför med det som är sparat nu och spara igen "
    "om dina uppgifter ska gälla."
)


def _role_ordering() -> Case:
    return Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)],
        output_field=IntegerField(),
    )


def with_responsible(cases: QuerySet[ProtectionCase]) -> QuerySet[ProtectionCase]:
    """Kept for callers of the old name: ``ProtectionCase.objects....with_responsible()``."""
    return cases.with_responsible()  # type: ignore[attr-defined, no-any-return]


def _conflict_form(form_class: Any, request: HttpRequest, version: int, **kwargs: Any) -> Any:
    """The user's form again, as typed, now carrying the saved version: a second save is a
    deliberate overwrite, made after seeing what the other person saved."""
    data = request.POST.copy()
    prefix = kwargs.get("prefix")
    data[f"{prefix}-version" if prefix else "version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, CONFLICT)
    return form
