"""Risk assessments: who sees and changes what, and the state changes themselves.

Views validate a form, call one function here and redirect; the demo seed and the tests call
the same functions. Every change takes the acting user and the reader's ``CaseAccess`` (from
``cases.access``, resolved first by the view), checks permission, writes, and journals in one
transaction. Access to the CASE is decided in ``cases.access`` only; this module decides which
of the case's assessments a reader who already has the case may see, from the CaseAccess
scopes and ``cases.access.received_scopes``:

- police readers see every police assessment (drafts included);
- social-services readers see their own organisation's assessments (drafts included) and
  FINAL police assessments as the disclosure allows: ``scope_risk_summary`` the summary
  judgements only, ``scope_risk_full`` everything including the factors;
- a social-services assessment reaches police only when social services disclose it back
  (an active TO_POLICE disclosure to the case's unit with a risk scope), and only when final.

Factor ratings are never summed into a decision: counts are shown as information only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from cases.access import CaseAccess, received_scopes
from cases.models import (
    FollowUp,
    JournalEntry,
    MeasureKind,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
)
from cases.services import ConflictError, journal
from riskassessment.models import (
    Assessment,
    Factor,
    FactorRating,
    Instrument,
    InstrumentPart,
    Level,
    SummaryJudgement,
    SummaryJudgementDefinition,
    TimeFrame,
)

if TYPE_CHECKING:  # dev-only package: never imported at run time
    from django_stubs_ext import StrOrPromise

__all__ = [
    "AssessmentError",
    "AssessmentLocked",
    "ConflictError",
    "MissingJudgements",
    "NotAllowed",
]

Visibility = Literal["full", "summary"]
FULL: Visibility = "full"
SUMMARY: Visibility = "summary"
OMITTED = FactorRating.Rating.OMITTED.value

# Rating options per factor scale, in the order shown on the form.
SCALE_CHOICES: dict[str, list[tuple[str, StrOrPromise]]] = {
    Factor.Scale.NDJ: [
        ("N", gettext_lazy("Nej")),
        ("D", gettext_lazy("Delvis")),
        ("J", gettext_lazy("Ja")),
        (OMITTED, gettext_lazy("Uppgift saknas")),
    ],
    Factor.Scale.YES_NO: [
        ("J", gettext_lazy("Ja")),
        ("N", gettext_lazy("Nej")),
        (OMITTED, gettext_lazy("Uppgift saknas")),
    ],
}
RATING_LABELS = dict(FactorRating.Rating.choices)


# --- errors --------------------------------------------------------------------------------


class AssessmentError(Exception):
    """A refused change; ``message`` is Swedish and meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(AssessmentError):
    """The reader may not do this; views answer 404 so that nothing leaks."""


class AssessmentLocked(AssessmentError):
    """A final assessment is immutable; a change is a reassessment (a new assessment)."""


class MissingJudgements(AssessmentError):
    """Finalising needs every required summary judgement."""

    def __init__(self, definitions: list[SummaryJudgementDefinition]) -> None:
        self.definitions = definitions
        names = ", ".join(f"”{d.label}”" for d in definitions)
        super().__init__(
            _("Bedömningen kan inte slutföras. Det saknas: %(names)s.") % {"names": names}
        )


# --- instruments ---------------------------------------------------------------------------


@dataclass
class InstrumentStructure:
    """An instrument with its parts, factors and summary-judgement definitions, loaded once."""

    instrument: Instrument
    parts: list[tuple[InstrumentPart, list[Factor]]]
    definitions: list[SummaryJudgementDefinition]
    frames: list[str]

    @property
    def factors(self) -> list[Factor]:
        return [factor for _part, factors in self.parts for factor in factors]

    @property
    def note_frame(self) -> str:
        """The time frame whose row carries the factor's evidence note and ticks."""
        return self.frames[0]


def frames_of(instrument: Instrument) -> list[str]:
    valid = [f for f in instrument.time_frames or [] if f in TimeFrame.values]
    return valid or [TimeFrame.SINGLE.value]


def load_structure(instrument: Instrument) -> InstrumentStructure:
    parts = InstrumentPart.objects.filter(instrument=instrument).order_by("order", "pk")
    factors = Factor.objects.filter(part__instrument=instrument).order_by("order", "pk")
    by_part: dict[int, list[Factor]] = {}
    for factor in factors:
        by_part.setdefault(factor.part_id, []).append(factor)
    definitions = list(
        SummaryJudgementDefinition.objects.filter(instrument=instrument).order_by("order", "pk")
    )
    return InstrumentStructure(
        instrument=instrument,
        parts=[(part, by_part.get(part.pk, [])) for part in parts],
        definitions=definitions,
        frames=frames_of(instrument),
    )


def active_instruments() -> QuerySet[Instrument]:
    return Instrument.objects.filter(active=True).order_by("name", "-version")


def instrument_in_use(instrument: Instrument) -> bool:
    """A final assessment used it: it must not be edited in place any more."""
    return Assessment.objects.filter(instrument=instrument, status=Assessment.Status.FINAL).exists()


def copy_instrument_as_new_version(instrument: Instrument) -> Instrument:
    """A new, inactive version of ``instrument`` (same code) to edit and then activate."""
    existing = set(
        Instrument.objects.filter(code=instrument.code).values_list("version", flat=True)
    )
    version = instrument.version
    while version in existing:
        version = str(int(version) + 1) if version.isdigit() else f"{version}.1"
    structure = load_structure(instrument)
    with transaction.atomic():
        copy = Instrument.objects.create(
            code=instrument.code,
            name=instrument.name,
            version=version,
            description=instrument.description,
            time_frames=list(instrument.time_frames),
            active=False,
        )
        for part, factors in structure.parts:
            new_part = InstrumentPart.objects.create(
                instrument=copy, code=part.code, label=part.label, order=part.order
            )
            Factor.objects.bulk_create(
                Factor(
                    part=new_part,
                    code=f.code,
                    label=f.label,
                    order=f.order,
                    scale=f.scale,
                    guidance=f.guidance,
                    ticks=list(f.ticks),
                    translated=f.translated,
                    verified=f.verified,
                )
                for f in factors
            )
        SummaryJudgementDefinition.objects.bulk_create(
            SummaryJudgementDefinition(
                instrument=copy,
                code=d.code,
                label=d.label,
                kind=d.kind,
                required=d.required,
                police_only=d.police_only,
                order=d.order,
            )
            for d in structure.definitions
        )
    return copy


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


# --- input ---------------------------------------------------------------------------------


@dataclass
class JudgementInput:
    level: str = ""
    answer: bool | None = None
    text: str = ""


@dataclass
class AssessmentInput:
    """Everything the form carries. Incomplete is fine for a draft."""

    assessed_on: date | None = None
    next_reassessment_on: date | None = None
    notes: str = ""
    ratings: dict[tuple[int, str], str] = field(default_factory=dict)  # (factor, frame)
    evidence: dict[int, str] = field(default_factory=dict)  # factor -> note
    ticks: dict[int, list[str]] = field(default_factory=dict)  # factor -> ticked options
    judgements: dict[int, JudgementInput] = field(default_factory=dict)  # definition -> input
    measures: list[MeasureKind] = field(default_factory=list)


def input_from(assessment: Assessment, structure: InstrumentStructure) -> AssessmentInput:
    """What is stored, as form input (for the form's initial values and for copying)."""
    data = AssessmentInput(
        assessed_on=assessment.assessed_on,
        next_reassessment_on=assessment.next_reassessment_on,
        notes=assessment.notes,
        measures=list(assessment.recommended_measures.all()),
    )
    for row in assessment.ratings.all():
        data.ratings[(row.factor_id, row.time_frame)] = row.rating
        if row.time_frame == structure.note_frame:
            data.evidence[row.factor_id] = row.evidence
            data.ticks[row.factor_id] = list(row.ticks)
    for judgement in assessment.judgements.all():
        data.judgements[judgement.definition_id] = JudgementInput(
            level=judgement.level, answer=judgement.answer, text=judgement.text
        )
    return data


def _write(assessment: Assessment, structure: InstrumentStructure, data: AssessmentInput) -> None:
    """Store ratings, judgements and measures: a fixed number of queries per save."""
    allowed = {
        scale: {code for code, _label in choices} for scale, choices in SCALE_CHOICES.items()
    }
    existing = {(r.factor_id, r.time_frame): r for r in assessment.ratings.all()}
    create: list[FactorRating] = []
    update: list[FactorRating] = []
    for factor in structure.factors:
        for frame in structure.frames:
            rating = data.ratings.get((factor.pk, frame), "")
            if rating not in allowed.get(factor.scale, set()):
                rating = ""
            on_note_row = frame == structure.note_frame
            evidence = data.evidence.get(factor.pk, "").strip() if on_note_row else ""
            ticks = [t for t in data.ticks.get(factor.pk, []) if t in factor.ticks]
            ticks = ticks if on_note_row else []
            row = existing.get((factor.pk, frame))
            if row is None:
                create.append(
                    FactorRating(
                        assessment=assessment,
                        factor=factor,
                        time_frame=frame,
                        rating=rating,
                        evidence=evidence,
                        ticks=ticks,
                    )
                )
            elif (row.rating, row.evidence, row.ticks) != (rating, evidence, ticks):
                row.rating, row.evidence, row.ticks = rating, evidence, ticks
                update.append(row)
    FactorRating.objects.bulk_create(create)
    FactorRating.objects.bulk_update(update, ["rating", "evidence", "ticks"])

    judgements = {j.definition_id: j for j in assessment.judgements.all()}
    j_create: list[SummaryJudgement] = []
    j_update: list[SummaryJudgement] = []
    for definition in structure.definitions:
        given = data.judgements.get(definition.pk, JudgementInput())
        kind = definition.kind
        level = given.level if kind == definition.Kind.LEVEL and given.level in Level.values else ""
        answer = given.answer if kind == definition.Kind.YES_NO_TEXT else None
        text = given.text.strip() if kind != definition.Kind.LEVEL else ""
        judgement = judgements.get(definition.pk)
        if judgement is None:
            j_create.append(
                SummaryJudgement(
                    assessment=assessment,
                    definition=definition,
                    level=level,
                    answer=answer,
                    text=text,
                )
            )
        elif (judgement.level, judgement.answer, judgement.text) != (level, answer, text):
            judgement.level, judgement.answer, judgement.text = level, answer, text
            j_update.append(judgement)
    SummaryJudgement.objects.bulk_create(j_create)
    SummaryJudgement.objects.bulk_update(j_update, ["level", "answer", "text"])
    assessment.recommended_measures.set(data.measures)

    if data.assessed_on:
        assessment.assessed_on = data.assessed_on
    assessment.next_reassessment_on = data.next_reassessment_on
    assessment.notes = data.notes.strip()


def _locked_for_change(
    case_access: CaseAccess, assessment: Assessment, expected_version: int | None
) -> Assessment:
    """Re-read the row under a lock, check permission, finality and the version."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("instrument", "organisation", "case")
        .get(pk=assessment.pk, case=case_access.case)
    )
    _check_change(case_access, locked)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _(
                "Bedömningen har sparats av någon annan sedan du öppnade den. Dina uppgifter "
                "finns kvar i formuläret: kontrollera dem och spara igen."
            )
        )
    return locked


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
        raise AssessmentError(_("Instrumentet används inte längre."))
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
            raise AssessmentError(_("Nästa omprövning kan inte ligga före bedömningsdatumet."))
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


# --- reading: summaries, history, factor tables, comparison --------------------------------


@dataclass(frozen=True)
class JudgementView:
    label: str
    kind: str
    level: str  # "low" | "medium" | "high" | ""
    display: str

    @property
    def is_level(self) -> bool:
        return self.kind == SummaryJudgementDefinition.Kind.LEVEL


def judgement_view(
    definition: SummaryJudgementDefinition, judgement: SummaryJudgement | None
) -> JudgementView:
    kind = definition.kind
    level = judgement.level if judgement and kind == definition.Kind.LEVEL else ""
    if judgement is None or not _filled(definition, judgement):
        display = _("Inte angiven")
    elif kind == definition.Kind.LEVEL:
        display = str(Level(judgement.level).label)
    elif kind == definition.Kind.YES_NO_TEXT:
        display = _("Ja") if judgement.answer else _("Nej")
        if judgement.text.strip():
            display += f" – {judgement.text.strip()}"
    else:
        display = judgement.text.strip()
    return JudgementView(definition.label, kind, level, display)


@dataclass(frozen=True)
class AssessmentRow:
    """One assessment as this reader may see it."""

    assessment: Assessment
    visibility: Visibility
    judgements: list[JudgementView]

    @property
    def is_full(self) -> bool:
        return self.visibility == FULL

    @property
    def headline(self) -> JudgementView | None:
        """The first low/medium/high judgement that is set (for a compact badge)."""
        return next((j for j in self.judgements if j.is_level and j.level), None)


def _shows_judgement(
    case_access: CaseAccess, assessment: Assessment, definition: SummaryJudgementDefinition
) -> bool:
    """Intelligence material (police_only) never reaches social services, whatever the
    disclosure says; their own assessments are theirs to read."""
    return (
        not definition.police_only
        or case_access.shows("internal")
        or assessment.organisation_id == case_access.organisation.pk
    )


def _judgement_prefetch() -> Prefetch:
    return Prefetch(
        "judgements",
        queryset=SummaryJudgement.objects.select_related("definition").order_by(
            "definition__order", "definition__pk"
        ),
    )


def assessment_rows(case_access: CaseAccess) -> list[AssessmentRow]:
    """The case's assessments the reader sees, newest first; three queries at most
    whatever the number of assessments."""
    received = received_scopes(case_access)
    assessments = (
        visible_assessments(case_access, received)
        .select_related("instrument", "assessor", "organisation")
        .prefetch_related(_judgement_prefetch())
        .order_by("-assessed_on", "-finalised_at", "-pk")
    )
    rows = []
    for assessment in assessments:
        seen = visibility(case_access, assessment, received)
        if seen is None:
            continue
        judgements = [
            judgement_view(j.definition, j)
            for j in assessment.judgements.all()
            if _shows_judgement(case_access, assessment, j.definition)
        ]
        rows.append(AssessmentRow(assessment, seen, judgements))
    return rows


@dataclass(frozen=True)
class FinalSummary:
    """The latest final assessment of one instrument, as the joint plan prints it."""

    assessment_id: int
    instrument_code: str
    instrument_name: str
    assessed_on: date
    assessor_name: str
    organisation_name: str
    judgements: list[tuple[str, str]]  # (judgement label, level display or text)
    levels: list[tuple[str, str, str]]  # (label, level code, level display) of level kinds


def latest_final_summaries(case: ProtectionCase, *, for_access: CaseAccess) -> list[FinalSummary]:
    """One entry per instrument: its latest FINAL assessment that ``for_access`` may see
    (at least in summary), newest first."""
    if for_access.case.pk != case.pk:
        raise ValueError("for_access belongs to another case")
    seen: set[str] = set()
    result = []
    for row in assessment_rows(for_access):
        a = row.assessment
        if not a.is_final or a.instrument.code in seen:
            continue
        seen.add(a.instrument.code)
        result.append(
            FinalSummary(
                assessment_id=a.pk,
                instrument_code=a.instrument.code,
                instrument_name=a.instrument.name,
                assessed_on=a.assessed_on,
                assessor_name=a.assessor.full_name,
                organisation_name=a.organisation.name,
                judgements=[(j.label, j.display) for j in row.judgements],
                levels=[(j.label, j.level, j.display) for j in row.judgements if j.is_level],
            )
        )
    return result


def get_visible(case_access: CaseAccess, pk: int, *, need: Visibility = SUMMARY) -> AssessmentRow:
    """One assessment of the case as the reader sees it; NotAllowed when not (views: 404)."""
    assessment = (
        Assessment.objects.filter(case=case_access.case, pk=pk)
        .select_related("instrument", "assessor", "organisation", "updated_by", "previous")
        .prefetch_related(_judgement_prefetch())
        .first()
    )
    if assessment is None:
        raise NotAllowed(_("Bedömningen finns inte."))
    seen = visibility(case_access, assessment)
    if seen is None or (need == FULL and seen != FULL):
        raise NotAllowed(_("Bedömningen finns inte."))
    # Judgements for every definition, in order, "Inte angiven" where none was made.
    given = {j.definition_id: j for j in assessment.judgements.all()}
    definitions = SummaryJudgementDefinition.objects.filter(
        instrument_id=assessment.instrument_id
    ).order_by("order", "pk")
    judgements = [
        judgement_view(d, given.get(d.pk))
        for d in definitions
        if _shows_judgement(case_access, assessment, d)
    ]
    return AssessmentRow(assessment, seen, judgements)


@dataclass(frozen=True)
class FactorLine:
    code: str
    label: str
    ratings: list[tuple[str, str, str]]  # (frame label, code, display)
    evidence: str
    ticks: list[str]


@dataclass(frozen=True)
class RatingCounts:
    """Information only: ratings are never summed into the decision."""

    frame_label: str
    yes: int
    partly: int
    no: int
    omitted: int


@dataclass(frozen=True)
class FactorTable:
    frames: list[tuple[str, str]]  # (frame, label)
    parts: list[tuple[str, list[FactorLine]]]
    omitted_factors: int  # factors with "uppgift saknas" (or not rated) in some time frame
    counts: list[RatingCounts]


def rating_display(code: str) -> str:
    if not code:
        return _("Ej bedömd")
    return str(RATING_LABELS.get(code, code))


def factor_table(assessment: Assessment) -> FactorTable:
    structure = load_structure(assessment.instrument)
    rows = {(r.factor_id, r.time_frame): r for r in assessment.ratings.all()}
    frames = [(f, str(TimeFrame(f).label)) for f in structure.frames]
    parts = []
    omitted_factors = 0
    counters = {f: Counter[str]() for f in structure.frames}
    for part, factors in structure.parts:
        lines = []
        for factor in factors:
            ratings = []
            incomplete = False
            for frame, label in frames:
                row = rows.get((factor.pk, frame))
                code = row.rating if row else ""
                incomplete |= code in ("", OMITTED)
                counters[frame][code or OMITTED] += 1
                ratings.append((label, code, rating_display(code)))
            omitted_factors += incomplete
            note = rows.get((factor.pk, structure.note_frame))
            lines.append(
                FactorLine(
                    factor.code,
                    factor.label,
                    ratings,
                    note.evidence if note else "",
                    list(note.ticks) if note else [],
                )
            )
        parts.append((part.label, lines))
    counts = [
        RatingCounts(
            label, counters[f]["J"], counters[f]["D"], counters[f]["N"], counters[f][OMITTED]
        )
        for f, label in frames
    ]
    return FactorTable(frames, parts, omitted_factors, counts)


@dataclass(frozen=True)
class ComparedFactor:
    code: str
    label: str
    frame_label: str
    before: str
    after: str
    before_display: str
    after_display: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class ComparedJudgement:
    label: str
    before: JudgementView
    after: JudgementView

    @property
    def changed(self) -> bool:
        return (self.before.level, self.before.display) != (self.after.level, self.after.display)


@dataclass(frozen=True)
class Comparison:
    before: AssessmentRow
    after: AssessmentRow
    factors: list[ComparedFactor]
    judgements: list[ComparedJudgement]
    before_table: FactorTable
    after_table: FactorTable

    @property
    def changed_factors(self) -> list[ComparedFactor]:
        return [f for f in self.factors if f.changed]

    @property
    def changed_judgements(self) -> list[ComparedJudgement]:
        return [j for j in self.judgements if j.changed]


def compare(case_access: CaseAccess, first_pk: int, second_pk: int) -> Comparison:
    """Which factors (per time frame) and which summary judgements differ between two
    assessments of the same instrument (any versions of it), older first."""
    one = get_visible(case_access, first_pk, need=FULL)
    two = get_visible(case_access, second_pk, need=FULL)
    if one.assessment.instrument.code != two.assessment.instrument.code:
        raise AssessmentError(_("Bara bedömningar med samma instrument kan jämföras."))
    before, after = sorted(
        (one, two), key=lambda r: (r.assessment.assessed_on, r.assessment.created_at)
    )
    before_table = factor_table(before.assessment)
    after_table = factor_table(after.assessment)

    def keyed(table: FactorTable) -> dict[tuple[str, str], tuple[FactorLine, str, str]]:
        result = {}
        for _part, lines in table.parts:
            for line in lines:
                for frame_label, code, _display in line.ratings:
                    result[(line.code, frame_label)] = (line, frame_label, code)
        return result

    old, new = keyed(before_table), keyed(after_table)
    factors = []
    for key in list(new) + [k for k in old if k not in new]:
        line, frame_label, _code = new.get(key) or old[key]
        b = old[key][2] if key in old else ""
        a = new[key][2] if key in new else ""
        factors.append(
            ComparedFactor(
                line.code, line.label, frame_label, b, a, rating_display(b), rating_display(a)
            )
        )
    by_label_before = {j.label: j for j in before.judgements}
    by_label_after = {j.label: j for j in after.judgements}
    empty = JudgementView("", SummaryJudgementDefinition.Kind.TEXT, "", _("Inte angiven"))
    labels = list(by_label_after) + [k for k in by_label_before if k not in by_label_after]
    judgements = [
        ComparedJudgement(
            label, by_label_before.get(label, empty), by_label_after.get(label, empty)
        )
        for label in labels
    ]
    return Comparison(before, after, factors, judgements, before_table, after_table)
