"""What the case services share: the conflict error's old name and the change history
(simple-history reason labels, never values)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from accounts.models import User
from cases import guard
from cases.access import CaseAccess
from cases.errors import Conflict
from cases.models import ProtectionCase

# Optimistic locking lost: the domain error ``cases.errors.Conflict`` under its old name.
ConflictError = Conflict


# --- change history -------------------------------------------------------------------------
# The history tables (django-simple-history) never hold the values of protected fields: those
# fields are excluded from the historical models, and the change reason names them by label
# only. A reader of the history learns who changed the address and when, never the address.

# Swedish labels (the history keeps them as written; the journal translates them when read).
PERSON_PROTECTED_LABELS = {
    "first_name": gettext_noop("namn"),
    "last_name": gettext_noop("namn"),
    "personnummer": gettext_noop("personnummer"),
    "date_of_birth": gettext_noop("födelsedatum"),
    "phone": gettext_noop("telefon"),
    "street_address": gettext_noop("adress"),
    "postal_code": gettext_noop("adress"),
    "city": gettext_noop("adress"),
}
PERSON_OTHER_LABELS = {"protection": gettext_noop("skyddsnivå")}
CASE_PROTECTED_LABELS = {"threat_picture": gettext_noop("hotbild")}
CASE_OTHER_LABELS = {
    "category": gettext_noop("kategori"),
    "restricted": gettext_noop("särskilt personsäkerhetsarbete"),
}


def change_reason(changed: list[str], protected: dict[str, str], other: dict[str, str]) -> str:
    """'Ändrade skyddade uppgifter: adress, telefon; ändrade: kategori' – labels, no values."""

    def labels(mapping: dict[str, str]) -> list[str]:
        return list(dict.fromkeys(mapping[f] for f in changed if f in mapping))

    parts = []
    if secret := labels(protected):
        parts.append("Ändrade skyddade uppgifter: " + ", ".join(secret))
    if plain := labels(other):
        parts.append(("ändrade: " if parts else "Ändrade: ") + ", ".join(plain))
    return "; ".join(parts) or "Sparade utan ändringar"


def changed_labels(
    changed: list[str], protected: dict[str, str], other: dict[str, str]
) -> dict[str, list[str]]:
    """The labels of the changed fields for the journal event (``cases.journal``), which
    translates them when read; never the values."""

    def labels(mapping: dict[str, str]) -> list[str]:
        return list(dict.fromkeys(mapping[f] for f in changed if f in mapping))

    return {"protected": labels(protected), "other": labels(other)}


def _stamp(instance: Any, user: User | None, reason: str) -> None:
    """Tell simple-history who made this save and why (read by its post_save handler)."""
    instance._history_user = user
    instance._change_reason = reason


def _edit_access(actor: User, case: ProtectionCase) -> CaseAccess:
    """Re-check in the service that the actor may edit (views have already logged the read)."""
    return guard.access_for_change(actor, case, need="edit")
