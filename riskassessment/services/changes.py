"""State changes of an assessment: start, reassess, save a draft, finalise, discard.

Each takes the acting user first, then the object (the case, or the assessment), then
keyword arguments, and applies the rules itself (``cases.guard``): the actor's access through
``cases.access``, the area's rule (``riskassessment.policy``), the case row locked and a
closed case refused, then the write and the journal event (``riskassessment.journal``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases import guard, journal
from cases.access import CaseAccess
from cases.casework.services import plan_from_assessment
from cases.models import JournalEntry, Participant, Party, ProtectionCase
from riskassessment.models import (
    Assessment,
    FactorRating,
    Instrument,
    SummaryJudgement,
    SummaryJudgementDefinition,
)
from riskassessment.policy import _is_police_org, may_assess, may_reassess
from riskassessment.services.common import (
    InvalidAssessment,
    MissingJudgements,
    NotAllowed,
)
from riskassessment.services.inputs import AssessmentInput, _locked_for_change, _write, input_from
from riskassessment.services.instruments import InstrumentStructure, load_structure


def _party(organisation: Organisation) -> str:
    return Party.POLICE if _is_police_org(organisation) else Party.SOCIAL


def _journal(
    case_access: CaseAccess, assessment: Assessment, code: str, **params: Any
) -> JournalEntry | None:
    """Police assessments: a police-internal entry. Social services' own assessments are
    not the police's to read until disclosed back, so their drafts leave no trace in the
    shared journal; finalising does (it creates shared measures and a follow-up)."""
    if _is_police_org(assessment.organisation):
        visibility = JournalEntry.Visibility.POLICE_INTERNAL
    elif assessment.is_final:
        visibility = JournalEntry.Visibility.SHARED
    else:
        return None
    return journal.record(
        assessment.case,
        case_access.user,
        code,
        visibility=visibility,
        organisation=assessment.organisation,
        **params,
    )


def _assessment_access(actor: User, assessment: Assessment) -> CaseAccess:
    return guard.access_for_change(actor, assessment.case)


# --- state changes -------------------------------------------------------------------------


def _threat_actors_for(
    case: ProtectionCase, instrument: Instrument, threat_actors: list[Participant]
) -> list[Participant]:
    """Whom the assessment concerns (issue 11). An instrument that assesses one threat actor
    at a time names them: the only threat actor of the case by default, a choice when the
    case has several."""
    if any(p.case_id != case.pk or p.role != Participant.Role.THREAT_ACTOR for p in threat_actors):
        raise InvalidAssessment(_("Välj hotutövare som ingår i ärendet."))
    if threat_actors or not instrument.per_threat_actor:
        return threat_actors
    actors = list(case.participants.filter(role=Participant.Role.THREAT_ACTOR)[:2])
    if len(actors) > 1:
        raise InvalidAssessment(
            _("%(name)s bedömer en hotutövare i taget: välj vilken bedömningen gäller.")
            % {"name": instrument.name}
        )
    return actors


def start_assessment(
    actor: User,
    case: ProtectionCase,
    *,
    instrument: Instrument,
    threat_actors: list[Participant] | None = None,
) -> tuple[Assessment, bool]:
    """A new draft, or the open draft of this instrument by the reader's organisation.

    Returns (assessment, created). Finding the existing draft is what brings a user back to
    their work after a lost session. ``threat_actors``: whom the assessment concerns
    (required when the instrument assesses one threat actor at a time).
    """
    case_access = guard.access_for_change(actor, case)
    organisation = case_access.organisation
    threat_actors = list(threat_actors or [])
    with transaction.atomic():
        # Lock the case row: two clicks on "Starta" must not race past the draft check.
        guard.ensure_open(case, lock=True)
        if not may_assess(case_access):
            raise NotAllowed(_("Du får inte göra bedömningar i det här ärendet."))
        if not instrument.active:
            raise InvalidAssessment(_("Instrumentet används inte längre."))
        threat_actors = _threat_actors_for(case, instrument, threat_actors)
        draft = Assessment.objects.filter(
            case=case,
            instrument=instrument,
            organisation=organisation,
            status=Assessment.Status.DRAFT,
        ).first()
        if draft is not None:
            return draft, False
        assessment = Assessment.objects.create(
            case=case,
            instrument=instrument,
            organisation=organisation,
            assessor=actor,
            updated_by=actor,
            assessed_on=timezone.localdate(),
        )
        assessment.threat_actors.set(threat_actors)
        _journal(case_access, assessment, "assessment_started", instrument=instrument.name)
    return assessment, True


def start_reassessment(actor: User, previous: Assessment) -> tuple[Assessment, bool]:
    """A new draft of the same instrument that starts from the previous final's ratings and
    evidence (the summary judgements are made afresh). Returns (assessment, created)."""
    case_access = _assessment_access(actor, previous)
    case = previous.case
    structure = load_structure(previous.instrument)
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        if not may_reassess(case_access, previous):
            raise NotAllowed(_("Du får inte ompröva den här bedömningen."))
        draft = Assessment.objects.filter(
            case=case,
            instrument=previous.instrument,
            organisation=case_access.organisation,
            status=Assessment.Status.DRAFT,
        ).first()
        if draft is not None:
            return draft, False
        assessment = Assessment.objects.create(
            case=case,
            instrument=previous.instrument,
            organisation=case_access.organisation,
            assessor=actor,
            updated_by=actor,
            assessed_on=timezone.localdate(),
            previous=previous,
        )
        # The same threat actor(s) as the assessment it reassesses.
        assessment.threat_actors.set(previous.threat_actors.all())
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
            assessment,
            "reassessment_started",
            instrument=previous.instrument.name,
            date=previous.assessed_on.isoformat(),
        )
    return assessment, True


def save_draft(
    actor: User,
    assessment: Assessment,
    *,
    data: AssessmentInput,
    expected_version: int | None,
) -> Assessment:
    """Store everything typed so far (incomplete is fine). Every POST of the form lands here,
    so a draft is never more than one request old."""
    case_access = _assessment_access(actor, assessment)
    with transaction.atomic():
        guard.ensure_open(assessment.case, lock=True)
        locked = _locked_for_change(case_access, assessment, expected_version)
        _write(locked, load_structure(locked.instrument), data)
        locked.version += 1
        locked.updated_by = actor
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


def finalise(actor: User, assessment: Assessment, *, expected_version: int | None) -> Assessment:
    """Lock the assessment for good, and in the same step plan the recommended measures and
    the reassessment follow-up through the case-work service
    (``cases.casework.services.plan_from_assessment``). Unrated factors become "uppgift
    saknas"."""
    case_access = _assessment_access(actor, assessment)
    with transaction.atomic():
        guard.ensure_open(assessment.case, lock=True)
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
        locked.updated_by = actor
        locked.save()

        kinds = list(locked.recommended_measures.order_by("category", "order", "name"))
        plan_from_assessment(
            actor,
            locked.case,
            kinds=kinds,
            instrument=locked.instrument.name,
            assessed_on=locked.assessed_on,
            reassess_on=locked.next_reassessment_on,
            party=_party(locked.organisation),
        )
        then: list[tuple[str, dict[str, object]]] = []
        if kinds:
            then.append(("assessment_measures", {"names": ", ".join(k.name for k in kinds)}))
        if locked.next_reassessment_on:
            then.append(("assessment_next", {"date": locked.next_reassessment_on.isoformat()}))
        _journal(
            case_access,
            locked,
            "assessment_finalised",
            instrument=locked.instrument.name,
            date=locked.assessed_on.isoformat(),
            org=locked.organisation.name,
            then=then,
        )
    return locked


def _with_omitted(data: AssessmentInput, structure: InstrumentStructure) -> AssessmentInput:
    for factor in structure.factors:
        for frame in structure.frames:
            if not data.ratings.get((factor.pk, frame)):
                data.ratings[(factor.pk, frame)] = structure.omitted(factor.scale_id)
    return data


def discard_draft(actor: User, assessment: Assessment, *, expected_version: int | None) -> None:
    case_access = _assessment_access(actor, assessment)
    with transaction.atomic():
        guard.ensure_open(assessment.case, lock=True)
        locked = _locked_for_change(case_access, assessment, expected_version)
        _journal(case_access, locked, "assessment_discarded", instrument=locked.instrument.name)
        locked.delete()
