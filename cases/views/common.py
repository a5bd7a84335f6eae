"""What the case views share: the page size, the order of roles, the conflict message and
the list query with the responsible handlers (the conflict message and form are in
``cases.formfields``; ``CONFLICT`` is re-exported for old callers)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from cases.formfields import CONFLICT
from cases.models import (
    Participant,
    ProtectionCase,
)

__all__ = ["CONFLICT", "PAGE_SIZE", "ROLE_ORDER", "with_responsible"]

PAGE_SIZE = 50
ROLE_ORDER = [
    Participant.Role.PROTECTED,
    Participant.Role.RELATIVE,
    Participant.Role.CHILD,
    Participant.Role.THREAT_ACTOR,
]


def _role_ordering() -> Case:
    return Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)],
        output_field=IntegerField(),
    )


def with_responsible(cases: QuerySet[ProtectionCase]) -> QuerySet[ProtectionCase]:
    """Kept for callers of the old name: ``ProtectionCase.objects....with_responsible()``."""
    return cases.with_responsible()  # type: ignore[attr-defined, no-any-return]
