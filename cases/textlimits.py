"""Length limits of free text in the database (issue 10). The forms show and check the same
limits (cases.formfields: ``TEXT_LIMIT``, ``SHORT_TEXT_LIMIT``, the plan's own); the
database refuses a longer text that bypasses them (a script, a queryset ``update()``, raw
SQL), so no page ever renders megabytes. A check constraint on the text's length works
alike on PostgreSQL and SQLite (where a ``varchar`` length is not enforced)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from cases.formfields import SHORT_TEXT_LIMIT, TEXT_LIMIT

__all__ = ["BREAK_GLASS_REASON_LIMIT", "SHORT_TEXT_LIMIT", "TEXT_LIMIT", "length_checks"]

# The reason stated to open a case with break-the-glass (cases/sharing/forms.py).
BREAK_GLASS_REASON_LIMIT = 2_000


def length_checks(prefix: str, **limits: int) -> list[models.CheckConstraint]:
    """One check constraint per field: ``length_checks("followup", note=TEXT_LIMIT)``."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), limit),
            name=f"{prefix}_{field}_length",
        )
        for field, limit in limits.items()
    ]
