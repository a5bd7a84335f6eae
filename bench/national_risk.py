"""Risk assessments for the national data set (generator v3), written by COPY after the
cases (bench/national_casework.py) and before the alarms (bench/national_alarms.py).

The instruments, their factors, time frames, scales and summary-judgement definitions are
read from the migrated database (the frozen data of riskassessment's migrations), so an
assessment has what the app would store: the instrument row, a rating per factor and time
frame (a final one rates every factor, "uppgift saknas" included; a draft only some),
every summary judgement, the threat actor it concerns where the instrument assesses one
at a time (SARA:SV, SAM, PATRIARK), a reassessment chain (``previous``), the next
reassessment date and a journal event for each finalised one.

Police: per case 0–3 final assessments (~70 % at least one), the first on the day of the
intake in a quarter of the cases and within two weeks in another quarter (RPS 2014:5 found
14–53 % within 14 days), reassessments months apart, the latest one recent on an
open case; a draft on ~6 % of open cases. The instrument follows the category (SARA:SV or
Check-10+ for violence in close relationships, PATRIARK for honour, SAM for stalking,
Hotbildsanalys or Check-10+ for witnesses, informants and justice-system employees).
Social services: their own SARA:SV/PATRIARK assessment on ~30 % of the active disclosures
of such cases, made by a handler of the recipient organisation after the disclosure began.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation

from bench.national_copy import Tables
from bench.national_rows import _weighted
from cases.journal import render_event
from cases.models import JournalEntry, MeasureKind
from riskassessment.models import (
    Assessment,
    FactorRating,
    Instrument,
    ScaleStep,
    SummaryJudgement,
    SummaryJudgementDefinition,
)

if TYPE_CHECKING:
    from accounts.models import Organisation
    from bench.national_rows import _Case, _Generator

POLICE_INSTRUMENTS: dict[str, list[tuple[str, float]]] = {
    "close_relationship": [("SARA_SV", 70), ("CHECK10", 30)],
    "honour": [("PATRIARK", 80), ("CHECK10", 20)],
    "stalking": [("SAM", 80), ("CHECK10", 20)],
    "witness": [("HOTBILD", 60), ("CHECK10", 40)],
    "informant": [("HOTBILD", 70), ("CHECK10", 30)],
    "justice_employee": [("HOTBILD", 60), ("CHECK10", 40)],
    "relative": [("CHECK10", 70), ("SARA_SV", 30)],
    "other": [("CHECK10", 70), ("HOTBILD", 30)],
}
SOCIAL_INSTRUMENTS = {"close_relationship": "SARA_SV", "relative": "SARA_SV", "honour": "PATRIARK"}
FINALS = [(0, 26), (1, 47), (2, 19), (3, 8)]
# Per factor step code: how often it is chosen (N, D, J, uppgift saknas; Ja/Nej).
STEP_WEIGHTS = {"N": 45, "D": 25, "J": 22, "-": 8}
LEVELS = ["low", "medium", "high"]
LEVEL_OF_BASE = {0: [70, 25, 5], 1: [15, 65, 20], 2: [3, 27, 70]}  # base level -> weights
LEVEL_NAMES = {"low": "Låg", "medium": "Medel", "high": "Hög"}
RATING = ["assessment_id", "factor_id", "time_frame", "rating"]


@dataclass
class _Instrument:
    pk: int
    name: str
    per_actor: bool
    frames: list[str]
    factors: list[tuple[int, list[str]]]  # factor id, its steps (a 100-long lookup table)
    definitions: list[tuple[int, str, str, bool]]  # id, kind, label, required
    counts: dict[str, int] = field(default_factory=dict)


def _lookup(codes: list[str]) -> list[str]:
    weights = [STEP_WEIGHTS.get(code, 20) for code in codes]
    total = sum(weights)
    table: list[str] = []
    for code, weight in zip(codes, weights, strict=True):
        table += [code] * round(100 * weight / total)
    return (table + [codes[0]] * 100)[:100]


def _instruments() -> dict[str, _Instrument]:
    steps: dict[str, list[str]] = {}
    for scale, code in ScaleStep.objects.order_by("scale_id", "order", "pk").values_list(
        "scale__code", "code"
    ):
        steps.setdefault(scale, []).append(code)
    result = {}
    for instrument in Instrument.objects.filter(active=True).prefetch_related(
        "parts__factors", "summary_definitions"
    ):
        factors = [
            (f.pk, _lookup(steps[str(f.scale_id)]))
            for part in instrument.parts.all()
            for f in part.factors.all()
        ]
        definitions = [
            (d.pk, d.kind, d.label, d.required) for d in instrument.summary_definitions.all()
        ]
        result[instrument.code] = _Instrument(
            instrument.pk,
            instrument.name,
            instrument.per_threat_actor,
            list(instrument.time_frames),
            factors,
            definitions,
        )
    return result


class _Risk:
    def __init__(self, g: _Generator) -> None:
        self.g, self.rng = g, g.extra
        self.instruments = _instruments()
        self.kinds = list(MeasureKind.objects.values_list("pk", flat=True))
        self.counts = {"assessment": 0, "final": 0, "draft": 0, "social": 0, "rating": 0}
        self.counts["judgement"] = 0
        self.orgs = {o.pk: o for group in g.social_by_unit for o in group}
        self.t = Tables()

    def _when(self, day: date) -> datetime:
        at = datetime.combine(day, time(9)) + timedelta(minutes=self.rng.randint(0, 480))
        return timezone.make_aware(at)

    def assessment(
        self,
        c: _Case,
        code: str,
        org: Organisation,
        assessor: int,
        day: date,
        final: bool,
        previous: int | None,
    ) -> tuple[int, str]:
        """One assessment with its ratings, judgements and threat actor; (id, levels)."""
        rng, t, ins = self.rng, self.t, self.instruments[code]
        pk = self.g.next_id("assessment")
        t.add(
            Assessment,
            pk=pk,
            case_id=c.pk,
            instrument_id=ins.pk,
            organisation_id=org.pk,
            assessor_id=assessor,
            status="final" if final else "draft",
            assessed_on=day,
            finalised_at=self._when(day) if final else None,
            next_reassessment_on=day + timedelta(days=rng.randint(90, 180)) if final else None,
            previous_id=previous,
            notes="",
            version=2 if final else 1,
            updated_by_id=assessor,
        )
        if ins.per_actor and "threat_actor" in c.parts:
            through = Assessment.threat_actors.through
            t.add(through, assessment_id=pk, participant_id=c.parts["threat_actor"])
        rated = len(ins.factors) if final else rng.randint(0, len(ins.factors))
        for factor_id, table in ins.factors[:rated]:
            for frame in ins.frames:
                rating = table[int(rng.random() * 100)]
                t.add_row(FactorRating, RATING, (pk, factor_id, frame, rating))
        self.counts["rating"] += rated * len(ins.frames)
        base = rng.choices((0, 1, 2), weights=(35, 45, 20))[0]
        levels = []
        for def_id, kind, label, required in ins.definitions:
            if not final and rng.random() < 0.5:
                continue  # a draft: some judgements not written yet
            if not (required or rng.random() < 0.6):
                continue
            level, answer, text = "", None, ""
            if kind == SummaryJudgementDefinition.Kind.LEVEL:
                level = rng.choices(LEVELS, weights=LEVEL_OF_BASE[base])[0]
                levels.append(f"{label}: {LEVEL_NAMES[level]}")
            elif kind == SummaryJudgementDefinition.Kind.YES_NO_TEXT:
                answer = base > 0 or rng.random() < 0.3
                text = "Fiktiv motivering (nationella testdata)."
            else:
                text = "Fiktiv bedömning (nationella testdata)."
            t.add(
                SummaryJudgement,
                assessment_id=pk,
                definition_id=def_id,
                level=level,
                answer=answer,
                text=text,
            )
            self.counts["judgement"] += 1
        if final and rng.random() < 0.5:
            for kind_id in rng.sample(self.kinds, rng.randint(1, 2)):
                measures = Assessment.recommended_measures.through
                t.add(measures, assessment_id=pk, measurekind_id=kind_id)
        self.counts["assessment"] += 1
        self.counts["final" if final else "draft"] += 1
        if final:
            self._journal(c, ins, org, assessor, day)
        return pk, "; ".join(levels)

    def _journal(
        self, c: _Case, ins: _Instrument, org: Organisation, author: int, day: date
    ) -> None:
        police = org.kind == "police"
        params = {"instrument": ins.name, "date": day.isoformat(), "org": org.name}
        with translation.override("sv"):
            text = render_event("assessment_finalised", params)
        self.t.add(
            JournalEntry,
            case_id=c.pk,
            author_id=author,
            author_organisation_id=org.pk,
            kind="event",
            visibility="police" if police else "shared",
            occurred_on=day,
            event="assessment_finalised",
            params=json.dumps(params),
            text=text,
        )

    # --- per case ----------------------------------------------------------------------------

    def police(self, c: _Case, force: bool) -> None:
        rng, g = self.rng, self.g
        unit = g.units[c.unit]
        end = c.closed or g.today
        code = _weighted(rng, POLICE_INSTRUMENTS[c.category])
        n = max(int(force), _weighted(rng, FINALS))
        roll = rng.random()  # at intake (Check-10+ the same day), within two weeks, later
        delay = 0 if roll < 0.25 else rng.randint(1, 14) if roll < 0.5 else rng.randint(15, 120)
        days, day = [], c.opened + timedelta(days=delay)
        for _k in range(n):
            if day > end:
                break
            days.append(day)
            day += timedelta(days=rng.randint(60, 200))
        if not days and force:
            days = [c.opened]
        if c.closed is None and days and (g.today - days[-1]).days > 150:
            latest = g.today - timedelta(days=rng.randint(0, 150))
            days[-1] = max(latest, days[-2] if len(days) > 1 else c.opened)
        previous = None
        for day in days:
            previous, levels = self.assessment(
                c, code, unit, rng.choice(c.responsible), day, True, previous
            )
            c.finals.append((day, previous, levels))
        if c.closed is None and rng.random() < 0.06:
            draft_day = g.today - timedelta(days=rng.randint(0, 20))
            self.assessment(
                c, code, unit, rng.choice(c.responsible), max(draft_day, c.opened), False, previous
            )

    def social(self, c: _Case) -> None:
        code = SOCIAL_INSTRUMENTS.get(c.category)
        if code is None:
            return
        rng, g = self.rng, self.g
        for org_id, start, _until, _withdrawn, handler in c.disclosures:
            if not g._active([org_id, start, _until, _withdrawn]) or rng.random() >= 0.3:
                continue
            org = self.orgs[org_id]
            assessor = handler or rng.choice(g.social_handlers[org_id]).pk
            span = max(0, (g.today - start).days)
            day = start + timedelta(days=rng.randint(0, min(span, 90)))
            self.assessment(c, code, org, assessor, day, rng.random() < 0.8, None)
            self.counts["social"] += 1


def persona_case(g: _Generator, cases: list[_Case]) -> int | None:
    """The handler persona's newest open case: it always has a final assessment and an
    active loan, so that the tiny test and the benchmark's pages always meet both."""
    mine = [c for c in cases if g.p_handler.pk in c.responsible and c.closed is None]
    return max(mine, key=lambda c: (c.opened, c.pk)).pk if mine else None


def make_assessments(g: _Generator, cases: list[_Case], log: Any) -> dict[str, int]:
    """Write the assessments; fill ``_Case.finals`` (the police's, for the loans)."""
    risk = _Risk(g)
    forced = persona_case(g, cases)
    for n, c in enumerate(cases):
        risk.police(c, force=c.pk == forced)
        risk.social(c)
        if n % 20000 == 19999 or n == len(cases) - 1:
            risk.t.flush()
            log(f"    {n + 1} cases assessed")
    return risk.counts
