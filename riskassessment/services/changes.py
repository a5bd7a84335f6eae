"""State changes of an assessment: start, reassess, save a draft, finalise, discard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases.access import CaseAccess
from cases.models import (
    FollowUp,
    JournalEntry,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
)
from cases.services import journal
from riskassessment.models import (
    Assessment,
    FactorRating,
    Instrument,
    SummaryJudgement,
    SummaryJudgementDefinition,
)

if TYPE_CHECKING:  # dev-only package: never imported at run time
    pass
from riskassessment.policy import _is_police_org, may_assess, may_reassess
from riskassessment.services.common import (
    OMITTED,
    InvalidAssessment,
    MissingJudgements,
    NotAllowed,
)
from riskassessment.services.inputs import AssessmentInput, _locked_for_change, _write, input_from
from riskassessment.services.instruments import InstrumentStructure, load_structure


def _party(organisation: Organisation) -> str:
    return Party.POLICE if _is_police_org(organisation) else Party.SOCIAL


def _journal(
    case_access: CaseAccess, user: User, assessment: Assessment, text: str
) -> JournalEntry | None:
    """Police assessments: a police-internal entry. Social services' own assessments are
    not the police's to read until disclosed back, so their drafts leave no trace in the
    shared journal; finalising does (it creates shared measures and a follow-up)."""
    if _is_police_org(assessment.organisation):
        return journal(
            assessment.case,
            user,
            text,
            visibility=JournalEntry.Visibility.POLICE_INTERNAL,
            organisation=assessment.organisation,
        )
    if assessment.is_final:
        return journal(
            assessment.case,
            user,
            text,
            visibility=JournalEntry.Visibility.SHARED,
            organisation=assessment.organisation,
        )
    return None


# --- state changes -------------------------------------------------------------------------


def start_assessment(
    user: User, case_access: CaseAccess, instrument: Instrument
) -> tuple[Assessment, bool]:
    """A new draft, or the open draft of this instrument by the reader's organisation.

    Returns (assessment, created). Finding the existing draft is what brings a user back to
    their work after a lost session.
    """
    if not may_assess(case_access):
        raise NotAllowed(_("Du får inte göra bedömningar i det här ärendet."))
    if not instrument.active:
        raise InvalidAssessment(_("Instrumentet används inte längre."))
    organisation = case_access.organisation
    with transaction.atomic():
        # Lock the case row: two clicks on "Starta" must not race past the draft check.
        ProtectionCase.objects.select_for_update().filter(pk=case_access.case.pk).first()
        draft = Assessment.objects.filter(
            case=case_access.case,
            instrument=instrument,
            organisation=organisation,
            status=Assessment.Status.DRAFT,
        ).first()
        if draft is not None:
            return draft, False
        assessment = Assessment.objects.create(
            case=case_access.case,
            instrument=instrument,
            organisation=organisation,
            assessor=user,
            updated_by=user,
            assessed_on=timezone.localdate(),
        )
        _journal(
            case_access,
            user,
            assessment,
            _("Riskbedömning påbörjad (%(instrument)s).") % {"instrument": instrument.name},
        )
    return assessment, True


def start_reassessment(
    user: User, case_access: CaseAccess, previous: Assessment
) -> tuple[Assessment, bool]:
    """A new draft of the same instrument that starts from the previous final's ratings and
    evidence (the summary judgements are made afresh). Returns (assessment, created)."""
    if not may_reassess(case_access, previous):
        raise NotAllowed(_("Du får inte ompröva den här bedömningen."))
    structure = load_structure(previous.instrument)
    with transaction.atomic():
        ProtectionCase.objects.select_for_update().filter(pk=case_access.case.pk).first()
        draft = Assessment.objects.filter(
            case=case_access.case,
            instrument=previous.instrument,
            organisation=case_access.organisation,
            status=Assessment.Status.DRAFT,
        ).first()
        if draft is not None:
            return draft, False
        assessment = Assessment.objects.create(
            case=case_access.case,
            instrument=previous.instrument,
            organisation=case_access.organisation,
            assessor=user,
            updated_by=user,
            assessed_on=timezone.localdate(),
            previous=previous,
        )
        FactorRating.objects.bulk_create(
            FactorRating(
                assessment=assessment,
                factor_id=row.factor_id,
                time_frame=row.time_frame,
                rating=row.rating,
                evidence=row.evidence,
                ticks=list(row.ticks),
            )
            for row in previous.ratings.all()
            if row.time_frame in structure.frames
        )
        _journal(
            case_access,
            user,
            assessment,
            _("Omprövning av riskbedömning påbörjad (%(instrument)s, föregående %(date)s).")
            % {"instrument": previous.instrument.name, "date": previous.assessed_on.isoformat()},
        )
    return assessment, True


def save_draft(
    user: User,
    case_access: CaseAccess,
    assessment: Assessment,
    data: AssessmentInput,
    *,
    expected_version: int | None,
) -> Assessment:
    """Store everything typed so far (incomplete is fine). Every POST of the form lands here,
    so a draft is never more than one request old."""
    with transaction.atomic():
        locked = _locked_for_change(case_access, assessment, expected_version)
        _write(locked, load_structure(locked.instrument), data)
        locked.version += 1
        locked.updated_by = user
        locked.save()
    return locked


def missing_judgements(
    assessment: Assessment, structure: InstrumentStructure
) -> list[SummaryJudgementDefinition]:
    judgements = {j.definition_id: j for j in assessment.judgements.all()}
    missing = []
    for definition in structure.definitions:
        if definition.required and not _filled(definition, judgements.get(definition.pk)):
            missing.append(definition)
    return missing


def _filled(definition: SummaryJudgementDefinition, judgement: SummaryJudgement | None) -> bool:
    if judgement is None:
        return False
    if definition.kind == definition.Kind.LEVEL:
        return bool(judgement.level)
    if definition.kind == definition.Kind.YES_NO_TEXT:
        return judgement.answer is not None
    return bool(judgement.text.strip())


def finalise(
    user: User, case_access: CaseAccess, assessment: Assessment, *, expected_version: int | None
) -> Assessment:
    """Lock the assessment for good, and in the same step create the recommended measures
    (planned) and the reassessment follow-up. Unrated factors become "uppgift saknas"."""
    with transaction.atomic():
        locked = _locked_for_change(case_access, assessment, expected_version)
        structure = load_structure(locked.instrument)
        missing = missing_judgements(locked, structure)
        if missing:
            raise MissingJudgements(missing)
        if locked.next_reassessment_on and locked.next_reassessment_on < locked.assessed_on:
            raise InvalidAssessment(_("Nästa omprövning kan inte ligga före bedömningsdatumet."))
        # Every factor and time frame gets an explicit row: nothing is left to be read as "no".
        _write(locked, structure, _with_omitted(input_from(locked, structure), structure))
        locked.status = Assessment.Status.FINAL
        locked.finalised_at = timezone.now()
        locked.version += 1
        locked.updated_by = user
        locked.save()

        kinds = list(locked.recommended_measures.order_by("category", "order", "name"))
        note = _("Rekommenderad i riskbedömning %(instrument)s %(date)s.") % {
            "instrument": locked.instrument.name,
            "date": locked.assessed_on.isoformat(),
        }
        ProtectiveMeasure.objects.bulk_create(
            ProtectiveMeasure(
                case=locked.case,
                kind=kind,
                responsible_party=kind.default_party,
                status=ProtectiveMeasure.Status.PLANNED,
                note=note,
                created_by=user,
            )
            for kind in kinds
        )
        if locked.next_reassessment_on:
            FollowUp.objects.create(
                case=locked.case,
                kind=FollowUp.Kind.REASSESSMENT,
                due_date=locked.next_reassessment_on,
                assignee=user,
                responsible_party=_party(locked.organisation),
                note=_("Omprövning av riskbedömning (%(instrument)s).")
                % {"instrument": locked.instrument.name},
                created_by=user,
            )
        text = _("Riskbedömning slutförd (%(instrument)s, %(date)s, %(org)s).") % {
            "instrument": locked.instrument.name,
            "date": locked.assessed_on.isoformat(),
            "org": locked.organisation.name,
        }
        if kinds:
            text += " " + _("Planerade åtgärder: %(names)s.") % {
                "names": ", ".join(k.name for k in kinds)
            }
        if locked.next_reassessment_on:
            text += " " + _("Nästa omprövning: %(date)s.") % {
                "date": locked.next_reassessment_on.isoformat()
            }
        _journal(case_access, user, locked, text)
    return locked


def _with_omitted(data: AssessmentInput, structure: InstrumentStructure) -> AssessmentInput:
    for factor in structure.factors:
        for frame in structure.frames:
            if not data.ratings.get((factor.pk, frame)):
                data.ratings[(factor.pk, frame)] = OMITTED
    return data


def discard_draft(
    user: User, case_access: CaseAccess, assessment: Assessment, *, expected_version: int | None
) -> None:
    with transaction.atomic():
        locked = _locked_for_change(case_access, assessment, expected_version)
        _journal(
            case_access,
            user,
            locked,
            _("Utkast till riskbedömning borttaget (%(instrument)s).")
            % {"instrument": locked.instrument.name},
        )
        locked.delete()
