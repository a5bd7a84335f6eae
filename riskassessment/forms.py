"""The assessment form: one page, one row per factor, built from the instrument's data.

Every field is optional at form level so that a draft can be saved half-way; what finalising
needs is checked by ``services.finalise`` and its errors are put next to the fields here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.formfields import (
    SHORT_TEXT_LIMIT,
    IdMultipleChoiceField,
    TextDateInput,
    date_field,
    text_area,
    text_limits,
)
from cases.models import MeasureKind
from riskassessment import services
from riskassessment.models import Instrument, SummaryJudgementDefinition, TimeFrame

ANSWERS = [("yes", _("Ja")), ("no", _("Nej"))]


def _date_input() -> TextDateInput:
    """A text field for ÅÅÅÅ-MM-DD: typed the same way in every browser and language."""
    return TextDateInput(attrs={"class": "ra-date", "size": 10})


class StartForm(forms.Form):
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Välj ett instrument."),
            "invalid_choice": _("Välj ett av instrumenten i listan."),
        },
    )

    threat_actors = forms.MultipleChoiceField(
        label=_("Hotutövare som bedömningen gäller"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("SARA:SV, SAM och PATRIARK bedömer en hotutövare i taget."),
        error_messages={"invalid_choice": _("Välj hotutövare i listan.")},
    )

    def __init__(
        self, *args: Any, threat_actors: list[tuple[Any, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services.active_instruments()
        self.participants = {str(p.pk): p for p, _label in threat_actors or []}
        actors = self.fields["threat_actors"]
        assert isinstance(actors, forms.MultipleChoiceField)
        actors.choices = [(str(p.pk), label) for p, label in threat_actors or []]
        if not self.participants:
            del self.fields["threat_actors"]

    def chosen_threat_actors(self) -> list[Any]:
        return [self.participants[pk] for pk in self.cleaned_data.get("threat_actors") or []]


def rating_name(factor_id: int, frame: str) -> str:
    return f"r_{factor_id}_{frame}"


def judgement_names(definition_id: int) -> tuple[str, str, str]:
    """(level, answer, text) field names of one summary judgement."""
    return f"jl_{definition_id}", f"ja_{definition_id}", f"jt_{definition_id}"


class AssessmentForm(forms.Form):
    assessed_on = date_field(
        _("Bedömningsdatum"),
        required=True,
        required_message=_("Ange bedömningsdatum."),
        widget=_date_input(),
    )
    next_reassessment_on = date_field(
        _("Nästa omprövning"),
        widget=_date_input(),
        help_text=_("Skapar en uppföljning i ärendet när bedömningen slutförs."),
    )
    measures = IdMultipleChoiceField(
        label=_("Rekommenderade åtgärder"),
        queryset=MeasureKind.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Blir planerade skyddsåtgärder i ärendet när bedömningen slutförs."),
        error_messages={"invalid_choice": _("Välj åtgärder ur listan.")},
    )
    notes = text_area(_("Övrigt"))

    def __init__(self, *args: Any, structure: services.InstrumentStructure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.structure = structure
        # Label → the previous assessment's JudgementView (a reassessment; set by the view).
        self.previous_judgements: dict[str, Any] = {}
        measures = self.fields["measures"]
        assert isinstance(measures, forms.ModelMultipleChoiceField)
        measures.queryset = MeasureKind.objects.filter(active=True).order_by(
            "category", "order", "name"
        )
        for factor in structure.factors:
            for frame in structure.frames:
                self.fields[rating_name(factor.pk, frame)] = forms.ChoiceField(
                    label=f"{factor.code} {factor.label} – {TimeFrame(frame).label}",
                    choices=structure.choices(factor.scale_id),
                    required=False,
                    widget=forms.RadioSelect,
                )
            self.fields[f"e_{factor.pk}"] = forms.CharField(
                label=_("Underlag för faktor %(code)s") % {"code": factor.code},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1, "class": "ra-evidence__input"}),
                **text_limits(SHORT_TEXT_LIMIT),
            )
            if factor.ticks:
                self.fields[f"t_{factor.pk}"] = forms.MultipleChoiceField(
                    label=_("Kryss för %(code)s") % {"code": factor.code},
                    choices=[(t, t) for t in factor.ticks],
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
        for definition in structure.definitions:
            level, answer, text = judgement_names(definition.pk)
            kind = definition.kind
            if kind == SummaryJudgementDefinition.Kind.LEVEL:
                self.fields[level] = forms.ChoiceField(
                    label=definition.label,
                    choices=structure.choices(definition.scale_id),
                    required=False,
                    widget=forms.RadioSelect,
                )
            if kind == SummaryJudgementDefinition.Kind.YES_NO_TEXT:
                self.fields[answer] = forms.ChoiceField(
                    label=definition.label,
                    choices=ANSWERS,
                    required=False,
                    widget=forms.RadioSelect,
                )
            if kind in (
                SummaryJudgementDefinition.Kind.TEXT,
                SummaryJudgementDefinition.Kind.YES_NO_TEXT,
            ):
                self.fields[text] = forms.CharField(
                    label=definition.label
                    if kind == SummaryJudgementDefinition.Kind.TEXT
                    else _("Motivering"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    **text_limits(),
                )

    @staticmethod
    def initial_from(data: services.AssessmentInput) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "assessed_on": data.assessed_on,
            "next_reassessment_on": data.next_reassessment_on,
            "notes": data.notes,
            "measures": [m.pk for m in data.measures],
        }
        for (factor_id, frame), rating in data.ratings.items():
            initial[rating_name(factor_id, frame)] = rating
        for factor_id, evidence in data.evidence.items():
            initial[f"e_{factor_id}"] = evidence
        for factor_id, ticks in data.ticks.items():
            initial[f"t_{factor_id}"] = ticks
        for definition_id, judgement in data.judgements.items():
            level, answer, text = judgement_names(definition_id)
            initial[level] = judgement.level
            initial[answer] = (
                "" if judgement.answer is None else ("yes" if judgement.answer else "no")
            )
            initial[text] = judgement.text
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        assessed_on = cleaned.get("assessed_on")
        next_on = cleaned.get("next_reassessment_on")
        if assessed_on and assessed_on > timezone.localdate():
            self.add_error("assessed_on", _("Bedömningsdatumet kan inte ligga i framtiden."))
        if assessed_on and next_on and next_on < assessed_on:
            self.add_error(
                "next_reassessment_on",
                _("Nästa omprövning kan inte ligga före bedömningsdatumet."),
            )
        return cleaned

    def to_input(self) -> services.AssessmentInput:
        c = self.cleaned_data
        data = services.AssessmentInput(
            assessed_on=c.get("assessed_on"),
            next_reassessment_on=c.get("next_reassessment_on"),
            notes=c.get("notes") or "",
            measures=list(c.get("measures") or []),
        )
        for factor in self.structure.factors:
            for frame in self.structure.frames:
                data.ratings[(factor.pk, frame)] = c.get(rating_name(factor.pk, frame)) or ""
            data.evidence[factor.pk] = c.get(f"e_{factor.pk}") or ""
            data.ticks[factor.pk] = list(c.get(f"t_{factor.pk}") or [])
        for definition in self.structure.definitions:
            level, answer, text = judgement_names(definition.pk)
            data.judgements[definition.pk] = services.JudgementInput(
                level=c.get(level) or "",
                answer={"yes": True, "no": False}.get(c.get(answer) or ""),
                text=c.get(text) or "",
            )
        return data

    def add_missing(self, missing: list[SummaryJudgementDefinition]) -> None:
        """Put "this is needed" next to each missing summary judgement."""
        for definition in missing:
            level, answer, text = judgement_names(definition.pk)
            name = {
                SummaryJudgementDefinition.Kind.LEVEL: level,
                SummaryJudgementDefinition.Kind.YES_NO_TEXT: answer,
            }.get(definition.kind, text)  # type: ignore[call-overload]
            self.add_error(
                name,
                _("Ange ”%(label)s” innan du slutför bedömningen.") % {"label": definition.label},
            )

    # --- layout helpers for the template ---------------------------------------------------

    def factor_sections(self) -> list[dict[str, Any]]:
        frames = [(f, TimeFrame(f).label) for f in self.structure.frames]
        sections = []
        for part, factors in self.structure.parts:
            rows = []
            for factor in factors:
                rows.append(
                    {
                        "factor": factor,
                        "frames": [
                            (frame, label, self[rating_name(factor.pk, frame)])
                            for frame, label in frames
                        ],
                        "evidence": self[f"e_{factor.pk}"],
                        "ticks": self[f"t_{factor.pk}"] if factor.ticks else None,
                    }
                )
            sections.append({"part": part, "rows": rows})
        return sections

    def frame_labels(self) -> list[str]:
        return [str(TimeFrame(f).label) for f in self.structure.frames]

    def judgement_sections(self) -> list[dict[str, Any]]:
        sections = []
        for definition in self.structure.definitions:
            level, answer, text = judgement_names(definition.pk)
            fields = {
                "level": self[level] if level in self.fields else None,
                "answer": self[answer] if answer in self.fields else None,
                "text": self[text] if text in self.fields else None,
            }
            errors = [e for f in fields.values() if f is not None for e in f.errors]
            sections.append(
                {
                    "definition": definition,
                    "errors": errors,
                    # A reassessment shows the previous summary judgement beside the new one.
                    "previous": self.previous_judgements.get(definition.label),
                    **fields,
                }
            )
        return sections

    def measure_groups(self) -> list[tuple[str, list[Any]]]:
        labels = {value: str(label) for value, label in MeasureKind.Category.choices}
        groups: dict[str, list[Any]] = {}
        for checkbox in self["measures"]:
            kind = checkbox.data["value"].instance
            groups.setdefault(labels[kind.category], []).append(checkbox)
        return list(groups.items())

    def unrated_count(self) -> int:
        """Ratings not chosen yet (they become "uppgift saknas" on finalising)."""
        data = self.data if self.is_bound else self.initial
        count = 0
        for factor in self.structure.factors:
            for frame in self.structure.frames:
                if not data.get(rating_name(factor.pk, frame)):
                    count += 1
        return count
