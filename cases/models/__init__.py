"""Models of the cases app, one module per area; import them from ``cases.models``."""

from cases.models.accesslog import AccessLogEntry
from cases.models.cases import (
    BreakGlassAccess,
    JournalEntry,
    Participant,
    ProtectionCase,
    ProtectionCaseGroupObjectPermission,
    ProtectionCaseUserObjectPermission,
)
from cases.models.disclosure import Disclosure
from cases.models.persons import Person, SecretDwelling

__all__ = [
    "AccessLogEntry",
    "BreakGlassAccess",
    "Disclosure",
    "JournalEntry",
    "Participant",
    "Person",
    "ProtectionCase",
    "ProtectionCaseGroupObjectPermission",
    "ProtectionCaseUserObjectPermission",
    "SecretDwelling",
]
