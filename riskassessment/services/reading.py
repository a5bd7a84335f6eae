"""Reading assessments: summaries, history and factor tables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cases.access import CaseAccess, received_scopes
from cases.models import ProtectionCase
from riskassessment.models import (
    Assessment,
    Factor,
    RatingScale,
    ScaleStep,
    SummaryJudgement,
    SummaryJudgementDefinition,
    TimeFrame,
)

if TYPE_CHECKING:  # dev-only package: never imported at run time
    pass
from riskassessment.policy import visibility, visible_assessments
from riskassessment.services.common import (
    FULL,
    OMITTED,
    SUMMARY,
    NotAllowed,
    Visibility,
)
from riskassessment.services.instruments import InstrumentStructure, load_structure

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


def level_label(definition: SummaryJudgementDefinition, code: str) -> str:
    """The label of a level on the definition's scale (its steps prefetched by the callers:
    ``_judgement_prefetch``, ``get_visible``); the code itself if the scale lacks it."""
    scale = definition.scale
    steps = scale.steps.all() if scale is not None else []
    return next((step.label for step in steps if step.code == code), code)


def judgement_view(
    definition: SummaryJudgementDefinition, judgement: SummaryJudgement | None
) -> JudgementView:
    if judgement is None:
        return _view(definition.label, definition.kind, "", None, "", "")
    level = judgement.level
    step = (
        level_label(definition, level) if level and definition.kind == definition.Kind.LEVEL else ""
    )
    return _view(definition.label, definition.kind, level, judgement.answer, judgement.text, step)


def _view(
    label: str, kind: str, level: str, answer: bool | None, text: str, step: str
) -> JudgementView:
    """A judgement as shown, from its definition's label and kind and what was judged
    (``step``: the label of ``level`` on the definition's scale, "" if the scale lacks
    it); "Inte angiven" where nothing was (``changes._filled``)."""
    Kind = SummaryJudgementDefinition.Kind
    if kind == Kind.LEVEL:
        display = (step or level) if level else ""
    elif kind == Kind.YES_NO_TEXT:
        display = ""
        if answer is not None:
            display = _("Ja") if answer else _("Nej")
            if text.strip():
                display += f" – {text.strip()}"
    else:
        display = text.strip()
    level = level if kind == Kind.LEVEL else ""
    return JudgementView(label, kind, level, display or _("Inte angiven"))


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
    return _shows(case_access, assessment, definition.police_only)


def _shows(case_access: CaseAccess, assessment: Assessment, police_only: bool) -> bool:
    """Intelligence material (police_only) never reaches social services, whatever the
    disclosure says; their own assessments are theirs to read."""
    return (
        not police_only
        or case_access.shows("internal")
        or assessment.organisation_id == case_access.organisation.pk
    )


def _judgement_prefetch() -> Prefetch:
    return Prefetch(
        "judgements",
        queryset=SummaryJudgement.objects.select_related("definition__scale")
        .prefetch_related("definition__scale__steps")
        .order_by("definition__order", "definition__pk"),
    )


# The summary judgements of some assessments as shown: with their definition's label, kind
# and police_only and the label of the judged level on the definition's scale, in the
# definitions' order. One hand-written statement instead of the judgements', definitions',
# scales' and steps' model instances (two prefetch queries): on a case page with
# assessments they were half of the risk section's 8 ms (issue 16).
_JUDGEMENTS_SQL = """
SELECT j.assessment_id, d.label, d.kind, d.police_only, j.level, j.answer, j.text,
       (SELECT s.label FROM {steps} s JOIN {scales} r ON r.id = s.scale_id
        WHERE r.code = d.scale_id AND s.code = j.level) AS step
FROM {judgements} j JOIN {definitions} d ON d.id = j.definition_id
WHERE j.assessment_id IN ({ids})
ORDER BY j.assessment_id, d.{order}, d.id
"""


def _judgements_of(ids: list[int], using: str) -> dict[int, list[tuple[bool, JudgementView]]]:
    """Per assessment id, (police_only, the judgement as shown) in the definitions' order,
    read from the database ``using`` (the assessments')."""
    found: dict[int, list[tuple[bool, JudgementView]]] = {pk: [] for pk in ids}
    if not ids:
        return found
    qn = connections[using].ops.quote_name
    sql = _JUDGEMENTS_SQL.format(
        steps=qn(ScaleStep._meta.db_table),
        scales=qn(RatingScale._meta.db_table),
        judgements=qn(SummaryJudgement._meta.db_table),
        definitions=qn(SummaryJudgementDefinition._meta.db_table),
        order=qn("order"),
        ids=", ".join(["%s"] * len(ids)),
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, ids)
        for pk, label, kind, police_only, level, answer, text, step in cursor.fetchall():
            found[pk].append((police_only, _view(label, kind, level, answer, text, step or "")))
    return found


def assessment_rows(
    case_access: CaseAccess, received: frozenset[str] | None = None
) -> list[AssessmentRow]:
    """The case's assessments the reader sees, newest first; two queries whatever the
    number of assessments. ``received``: ``received_scopes(case_access)`` if the caller has
    it already (the case page's panel asks for it once)."""
    if received is None:
        received = received_scopes(case_access)
    assessments = (
        visible_assessments(case_access, received)
        .select_related("instrument", "assessor", "organisation")
        .order_by("-assessed_on", "-finalised_at", "-pk")
    )
    seen = [(a, v) for a in assessments if (v := visibility(case_access, a, received))]
    judgements = _judgements_of([a.pk for a, _v in seen], assessments.db)
    rows = []
    for assessment, visible in seen:
        shown = [
            view
            for police_only, view in judgements[assessment.pk]
            if _shows(case_access, assessment, police_only)
        ]
        rows.append(AssessmentRow(assessment, visible, shown))
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
    definitions = (
        SummaryJudgementDefinition.objects.filter(instrument_id=assessment.instrument_id)
        .select_related("scale")
        .prefetch_related("scale__steps")
        .order_by("order", "pk")
    )
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


def rating_display(code: str, structure: InstrumentStructure, factor: Factor) -> str:
    """The label of a factor's rating on its scale (from the database)."""
    if not code:
        return _("Ej bedömd")
    return structure.label(factor.scale_id, code)


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
                omitted = structure.omitted(factor.scale_id)
                incomplete |= code in ("", omitted)
                counters[frame][OMITTED if code in ("", omitted) else code] += 1
                ratings.append((label, code, rating_display(code, structure, factor)))
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
