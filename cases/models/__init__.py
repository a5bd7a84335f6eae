"""Models of the cases app, one module per area; import them from ``cases.models``."""

from cases.models.accesslog import AccessLogEntry
from cases.models.cases import (
    BreakGlassAccess,
    BreakGlassReview,
    JournalEntry,
    Participant,
    ProtectionCase,
    ProtectionCaseGroupObjectPermission,
    ProtectionCaseUserObjectPermission,
)
from cases.models.casework import (
    CaseClosure,
    ContactBan,
    ContactBanBreach,
    FollowUp,
    LegalHold,
    MeasureKind,
    Party,
    ProtectiveMeasure,
    PurgeProtocol,
    RetentionPolicy,
    SupportInformation,
    SupportOrganisation,
)
from cases.models.disclosure import Disclosure
from cases.models.persons import Person, SecretDwelling
from cases.models.plan import PlanConfirmation, PlanPart, ProtectionPlan

__all__ = [
    "AccessLogEntry",
    "BreakGlassAccess",
    "BreakGlassReview",
    "CaseClosure",
    "ContactBan",
    "ContactBanBreach",
    "Disclosure",
    "FollowUp",
    "JournalEntry",
    "LegalHold",
    "MeasureKind",
    "Participant",
    "Party",
    "Person",
    "PlanConfirmation",
    "PlanPart",
    "ProtectionCase",
    "ProtectionCaseGroupObjectPermission",
    "ProtectionCaseUserObjectPermission",
    "ProtectionPlan",
    "ProtectiveMeasure",
    "PurgeProtocol",
    "RetentionPolicy",
    "SecretDwelling",
    "SupportInformation",
    "SupportOrganisation",
]
