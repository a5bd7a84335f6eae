"""Who sees which of a case's risk assessments and who may change them.

Access to the CASE is decided in ``cases.access`` only; this module decides, for a reader who
already has the case, which assessments they see (from the CaseAccess scopes and
``cases.access.received_scopes``) and whether they may start, change or reassess one. Asked
alike by views, panels, templates and the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation
from cases.access import CaseAccess, received_scopes
from riskassessment.models import Assessment

if TYPE_CHECKING:  # dev-only package: never imported at run time
    pass
from riskassessment.services.common import (
    FULL,
    SUMMARY,
    AssessmentLocked,
    NotAllowed,
    Visibility,
)

# --- who sees and who changes --------------------------------------------------------------


def _is_police_org(organisation: Organisation) -> bool:
    return organisation.kind == Organisation.Kind.POLICE_UNIT


def visible_assessments(
    case_access: CaseAccess, received: frozenset[str] | None = None
) -> QuerySet[Assessment]:
    """The case's assessments this reader sees at least in summary (one query)."""
    if received is None:
        received = received_scopes(case_access)
    police = Q(organisation__kind=Organisation.Kind.POLICE_UNIT)
    if case_access.is_police:
        own, others = police, ~police
    else:
        own, others = Q(organisation=case_access.organisation), police
    condition = own
    if received & {"scope_risk_summary", "scope_risk_full"}:
        condition |= others & Q(status=Assessment.Status.FINAL)
    return Assessment.objects.filter(case=case_access.case).filter(condition)


def visibility(
    case_access: CaseAccess, assessment: Assessment, received: frozenset[str] | None = None
) -> Visibility | None:
    """How much of this assessment the reader sees: all, the summary judgements, or nothing."""
    if assessment.case_id != case_access.case.pk:
        return None
    if _is_police_org(assessment.organisation) == case_access.is_police:
        # The reader's own side: police share within the case; social services only their
        # own organisation's assessments.
        if case_access.is_police or assessment.organisation_id == case_access.organisation.pk:
            return FULL
        return None
    if not assessment.is_final:
        return None  # the other party's drafts are never shown
    if received is None:
        received = received_scopes(case_access)
    if "scope_risk_full" in received:
        return FULL
    if "scope_risk_summary" in received:
        return SUMMARY
    return None


def may_assess(case_access: CaseAccess) -> bool:
    """Start or edit an assessment on this case: police who may edit the case (not a
    break-the-glass reader), or social services with an active disclosure (their own
    organisation's assessment)."""
    if not case_access.case.is_open:
        return False
    if case_access.is_police:
        return case_access.may_edit
    return case_access.via == "disclosure" and bool(case_access.disclosures)


def owns(case_access: CaseAccess, assessment: Assessment) -> bool:
    """The reader's side made the assessment (police: any police unit on the case; social
    services: the reader's own organisation)."""
    if case_access.is_police:
        return _is_police_org(assessment.organisation)
    return assessment.organisation_id == case_access.organisation.pk


def may_change(case_access: CaseAccess, assessment: Assessment) -> bool:
    return may_assess(case_access) and owns(case_access, assessment) and not assessment.is_final


def may_reassess(case_access: CaseAccess, assessment: Assessment) -> bool:
    return may_assess(case_access) and owns(case_access, assessment) and assessment.is_final


def _check_change(case_access: CaseAccess, assessment: Assessment) -> None:
    if not (may_assess(case_access) and owns(case_access, assessment)):
        raise NotAllowed(_("Du får inte ändra den här bedömningen."))
    if assessment.is_final:
        raise AssessmentLocked(
            _("Bedömningen är slutförd och kan inte ändras. Gör en omprövning i stället.")
        )
