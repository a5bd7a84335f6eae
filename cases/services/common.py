"""What the case services share: the conflict error's old name and the change history
(simple-history reason labels, never values)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from cases import access
from cases.access import CaseAccess
from cases.errors import Conflict
from cases.models import ProtectionCase

# Optimistic locking lost: the domain error ``cases.errors.Conflict`` under its old name.
ConflictError = Conflict


# --- change history -------------------------------------------------------------------------
# The history tables (django-simple-history) never hold the values of protected fields: those
# fields are excluded from the historical models, and the change reason names them by label
# only. A reader of the history learns who changed the address and when, never the address.

PERSON_PROTECTED_LABELS = {
    "first_name": "namn",
    "last_name": "namn",
    "personnummer": "personnummer",
    "date_of_birth": "födelsedatum",
    "phone": "telefon",
    "street_address": "adress",
    "postal_code": "adress",
    "city": "adress",
}
PERSON_OTHER_LABELS = {"protection": "skyddsnivå"}
CASE_PROTECTED_LABELS = {"threat_picture": "hotbild"}
CASE_OTHER_LABELS = {"category": "kategori", "restricted": "särskilt personsäkerhetsarbete"}


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


def _stamp(instance: Any, user: User | None, reason: str) -> None:
    """Tell simple-history who made this save and why (read by its post_save handler)."""
    instance._history_user = user
    instance._change_reason = reason


def _edit_access(actor: User, case: ProtectionCase) -> CaseAccess:
    """Re-check in the service that the actor may edit (views have already logged the read)."""
    return access.get_case_for_user(actor, case.key, need="edit", log=False)
