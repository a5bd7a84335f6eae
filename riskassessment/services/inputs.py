"""What the assessment form carries, and storing it (a fixed number of queries per save)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from cases.access import CaseAccess
from cases.models import MeasureKind
from cases.services import ConflictError
from riskassessment.models import (
    Assessment,
    FactorRating,
    SummaryJudgement,
)

if TYPE_CHECKING:  # dev-only package: never imported at run time
    pass
from riskassessment.policy import _check_change
from riskassessment.services.instruments import InstrumentStructure

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
    allowed = {factor.scale_id: structure.codes(factor.scale_id) for factor in structure.factors}
    existing = {(r.factor_id, r.time_frame): r for r in assessment.ratings.all()}
    create: list[FactorRating] = []
    update: list[FactorRating] = []
    for factor in structure.factors:
        for frame in structure.frames:
            rating = data.ratings.get((factor.pk, frame), "")
            if rating not in allowed[factor.scale_id]:
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
        levels = structure.codes(definition.scale_id)
        level = given.level if kind == definition.Kind.LEVEL and given.level in levels else ""
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
