"""Comparing two assessments of a case factor by factor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import CaseAccess
from riskassessment.models import SummaryJudgementDefinition

if TYPE_CHECKING:  # dev-only package: never imported at run time
    pass
from riskassessment.services.common import FULL, InvalidAssessment
from riskassessment.services.reading import (
    AssessmentRow,
    FactorLine,
    FactorTable,
    JudgementView,
    factor_table,
    get_visible,
)


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
    same_instrument: bool = True

    @property
    def before_label(self) -> str:
        return assessment_label(self.before.assessment, self.after.assessment)

    @property
    def after_label(self) -> str:
        return assessment_label(self.after.assessment, self.before.assessment)

    @property
    def changed_factors(self) -> list[ComparedFactor]:
        return [f for f in self.factors if f.changed]

    @property
    def changed_judgements(self) -> list[ComparedJudgement]:
        return [j for j in self.judgements if j.changed]


def assessment_label(assessment: Any, other: Any) -> str:
    """How one side of a comparison is named: its date, and what tells it apart from the
    other side – the instrument when they differ, the time when both are from one day."""
    label = assessment.assessed_on.isoformat()
    if assessment.instrument.code != other.instrument.code:
        label = f"{assessment.instrument.name} {label}"
    if assessment.assessed_on == other.assessed_on:
        when = assessment.finalised_at or assessment.updated_at
        label += " " + timezone.localtime(when).strftime("%H:%M") if when else ""
    return label


def compare(case_access: CaseAccess, first_pk: int, second_pk: int) -> Comparison:
    """Which summary judgements (and, for one instrument, which factors per time frame)
    differ between two assessments, older first. Assessments of different instruments are
    compared on their summary judgements only (issue 11)."""
    if first_pk == second_pk:
        raise InvalidAssessment(_("Välj två olika bedömningar att jämföra."))
    one = get_visible(case_access, first_pk, need=FULL)
    two = get_visible(case_access, second_pk, need=FULL)
    same_instrument = one.assessment.instrument.code == two.assessment.instrument.code
    before, after = sorted(
        (one, two),
        key=lambda r: (
            r.assessment.assessed_on,
            r.assessment.finalised_at or r.assessment.updated_at,
            r.assessment.pk,
        ),
    )
    before_table = factor_table(before.assessment)
    after_table = factor_table(after.assessment)

    def keyed(table: FactorTable) -> dict[tuple[str, str], tuple[FactorLine, str, str, str]]:
        result = {}
        for _part, lines in table.parts:
            for line in lines:
                for frame_label, code, display in line.ratings:
                    result[(line.code, frame_label)] = (line, frame_label, code, display)
        return result

    old, new = keyed(before_table), keyed(after_table)
    not_rated = _("Ej bedömd")
    factors = []
    for key in list(new) + [k for k in old if k not in new]:
        line, frame_label, _code, _display = new.get(key) or old[key]
        b, b_display = (old[key][2], old[key][3]) if key in old else ("", not_rated)
        a, a_display = (new[key][2], new[key][3]) if key in new else ("", not_rated)
        factors.append(
            ComparedFactor(line.code, line.label, frame_label, b, a, b_display, a_display)
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
    if not same_instrument:
        factors = []  # different factor lists: only the summary judgements compare
    return Comparison(
        before, after, factors, judgements, before_table, after_table, same_instrument
    )
