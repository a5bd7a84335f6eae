"""Instruments: their structure loaded once, and copying one as a new version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from riskassessment.models import (
    Assessment,
    Factor,
    Instrument,
    InstrumentPart,
    ScaleStep,
    SummaryJudgementDefinition,
    TimeFrame,
)
from riskassessment.services.common import OMITTED

if TYPE_CHECKING:  # dev-only package: never imported at run time
    pass


# The shipped summary-judgement scale (låg / medel / hög), chosen when none is.
DEFAULT_LEVEL_SCALE = "levels"


# --- instruments ---------------------------------------------------------------------------


@dataclass
class InstrumentStructure:
    """An instrument with its parts, factors and summary-judgement definitions, loaded once."""

    instrument: Instrument
    parts: list[tuple[InstrumentPart, list[Factor]]]
    definitions: list[SummaryJudgementDefinition]
    frames: list[str]
    steps: dict[str, list[ScaleStep]] = field(default_factory=dict)  # scale code -> steps

    def choices(self, scale: str | None) -> list[tuple[str, str]]:
        """The options of a scale (a factor's ``scale_id`` or a definition's), in order."""
        return [(step.code, step.label) for step in self.steps.get(scale or "", [])]

    def codes(self, scale: str | None) -> set[str]:
        return {step.code for step in self.steps.get(scale or "", [])}

    def omitted(self, scale: str | None) -> str:
        """The scale's "uppgift saknas" code: what an unrated factor gets on finalising."""
        return next((s.code for s in self.steps.get(scale or "", []) if s.omitted), OMITTED)

    def label(self, scale: str | None, code: str) -> str:
        return next((s.label for s in self.steps.get(scale or "", []) if s.code == code), code)

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
        steps=scale_steps({f.scale_id for f in factors} | {d.scale_id for d in definitions}),
    )


def scale_steps(codes: set[str | None]) -> dict[str, list[ScaleStep]]:
    """The steps of these scales, in order, by scale code (one query)."""
    steps: dict[str, list[ScaleStep]] = {}
    rows = ScaleStep.objects.filter(scale__code__in=[c for c in codes if c]).select_related("scale")
    for step in rows.order_by("scale__code", "order", "pk"):
        steps.setdefault(step.scale.code, []).append(step)
    return steps


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
            per_threat_actor=instrument.per_threat_actor,
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
                    scale_id=f.scale_id,
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
                scale_id=d.scale_id,
                required=d.required,
                police_only=d.police_only,
                order=d.order,
            )
            for d in structure.definitions
        )
    return copy
