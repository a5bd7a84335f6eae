"""Instruments are reference data an administrator manages (assessments are case data and
are not in the admin).

Rating scales (N/D/J, Ja/Nej, låg/medel/hög, or an instrument's own) are data too: a scale
has its steps inline, and a factor or a summary judgement refers to one. An instrument is
edited on its own page with inlines for its parts and its summary
judgements; each part's page has the factors inline (Django inlines nest one level). Once a
FINAL assessment has used an instrument, its structure is read-only here: only the
organisation's guidance text per factor and the "active" flag can change. A new version is a
new Instrument row with the same code: the action "Kopiera till ny version" makes an inactive
copy to edit and then activate (and the old one can be deactivated). Deleting a part, factor
or definition that a rating or judgement uses is refused (PROTECT).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from riskassessment import services
from riskassessment.models import (
    Factor,
    Instrument,
    InstrumentPart,
    RatingScale,
    ScaleStep,
    SummaryJudgementDefinition,
    TimeFrame,
)
from riskassessment.services.instruments import DEFAULT_LEVEL_SCALE


def _in_use(obj: Instrument | InstrumentPart | None) -> bool:
    if obj is None or obj.pk is None:
        return False
    instrument = obj if isinstance(obj, Instrument) else obj.instrument
    return services.instrument_in_use(instrument)


class InstrumentForm(forms.ModelForm):
    time_frames = forms.MultipleChoiceField(
        label=_("Tidsramar som bedöms"),
        choices=TimeFrame.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Nuvarande och tidigare bedöms var för sig (t.ex. SARA:SV), eller en enda "
            "bedömning (t.ex. Check-10+)."
        ),
        error_messages={"required": _("Välj minst en tidsram.")},
    )

    class Meta:
        model = Instrument
        fields = [
            "code",
            "name",
            "version",
            "description",
            "time_frames",
            "per_threat_actor",
            "active",
        ]

    def clean_time_frames(self) -> list[str]:
        frames: list[str] = self.cleaned_data["time_frames"]
        if TimeFrame.SINGLE in frames and len(frames) > 1:
            raise forms.ValidationError(
                _("”Bedömning” (en tidsram) kan inte kombineras med nuvarande/tidigare.")
            )
        # Stored in a fixed order: the first is the row that carries the evidence note.
        return [f for f in TimeFrame.values if f in frames]


class FactorForm(forms.ModelForm):
    ticks = forms.CharField(
        label=_("Kryssalternativ"),
        required=False,
        help_text=_("Kommaseparerade, t.ex. ”aggressiv, depressiv”."),
    )

    class Meta:
        model = Factor
        fields = ["code", "label", "order", "scale", "ticks", "guidance", "translated", "verified"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.ticks, list):
            self.initial["ticks"] = ", ".join(self.instance.ticks)

    def clean_ticks(self) -> list[str]:
        raw = self.cleaned_data.get("ticks") or ""
        ticks = [t.strip() for t in raw.split(",") if t.strip()]
        if len(set(ticks)) != len(ticks):
            raise forms.ValidationError(_("Samma kryssalternativ finns två gånger."))
        return ticks


class LockedWhenInUse:
    """Inline behaviour: once the instrument is in use, no adding, deleting or editing of
    anything but ``editable_when_in_use``."""

    editable_when_in_use: tuple[str, ...] = ()

    def _locked(self, obj: Any) -> bool:
        return _in_use(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self._locked(obj):
            fields = self.fields  # type: ignore[attr-defined]
            return [f for f in fields if f not in self.editable_when_in_use]
        return ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class InstrumentPartInline(LockedWhenInUse, admin.TabularInline):
    model = InstrumentPart
    fields = ["code", "label", "order"]
    extra = 0
    show_change_link = True
    verbose_name_plural = _("Delar (öppna en del för att lägga till faktorer)")


class DefinitionForm(forms.ModelForm):
    class Meta:
        model = SummaryJudgementDefinition
        fields = ["code", "label", "kind", "scale", "required", "police_only", "order"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        level = cleaned.get("kind") == SummaryJudgementDefinition.Kind.LEVEL
        if level and not cleaned.get("scale"):
            # Left empty: the shipped låg / medel / hög.
            cleaned["scale"] = RatingScale.objects.filter(code=DEFAULT_LEVEL_SCALE).first()
            if cleaned["scale"] is None:
                self.add_error("scale", _("Välj skalan med nivåerna att bedöma på."))
        if not level:
            cleaned["scale"] = None  # a text judgement has no scale
        return cleaned


class DefinitionInline(LockedWhenInUse, admin.TabularInline):
    model = SummaryJudgementDefinition
    form = DefinitionForm
    fields = ["code", "label", "kind", "scale", "required", "police_only", "order"]
    extra = 0


class FactorInline(LockedWhenInUse, admin.StackedInline):
    model = Factor
    form = FactorForm
    fields = ["code", "label", "order", "scale", "ticks", "guidance", "translated", "verified"]
    editable_when_in_use = ("guidance", "verified")
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if self._locked(obj):
            # A read-only field must not stay a declared form field (the admin does this
            # for ModelAdmin forms, not for inline formsets).
            kwargs["form"] = type("LockedFactorForm", (FactorForm,), {"ticks": None})
        return super().get_formset(request, obj, **kwargs)


def scale_in_use(scale: RatingScale | None) -> bool:
    """An instrument that a final assessment used rates on this scale: its steps stay."""
    if scale is None or scale.pk is None:
        return False
    instruments = Instrument.objects.filter(
        Q(parts__factors__scale=scale) | Q(summary_definitions__scale=scale)
    ).distinct()
    return any(services.instrument_in_use(instrument) for instrument in instruments)


class ScaleStepForm(forms.ModelForm):
    class Meta:
        model = ScaleStep
        fields = ["code", "label", "order", "omitted"]


class ScaleStepFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = [
            f.cleaned_data
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        if not rows:
            raise forms.ValidationError(_("En skala behöver minst ett steg."))
        codes = [row["code"] for row in rows]
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(_("Samma kod finns två gånger på skalan."))
        if sum(1 for row in rows if row.get("omitted")) > 1:
            raise forms.ValidationError(_("Högst ett steg kan betyda ”uppgift saknas”."))


class ScaleStepInline(admin.TabularInline):
    model = ScaleStep
    form = ScaleStepForm
    formset = ScaleStepFormSet
    fields = ["code", "label", "order", "omitted"]
    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if scale_in_use(obj) else ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not scale_in_use(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not scale_in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    """Scales are reference data: a new instrument may bring a scale of its own (e.g. the
    yes/no items of FREDA). A scale in use keeps its code and steps."""

    list_display = ["name", "code", "use"]
    list_filter = ["use"]
    fields = ["code", "name", "use"]
    inlines = [ScaleStepInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code", "use"] if scale_in_use(obj) else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not scale_in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    form = InstrumentForm
    list_display = ["name", "code", "version", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    inlines = [InstrumentPartInline, DefinitionInline]
    actions = ["copy_as_new_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _in_use(obj):
            return ["code", "name", "version", "time_frames"]
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _in_use(obj) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Kopiera till ny version (inaktiv)"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[Instrument]) -> None:
        for instrument in queryset:
            copy = services.copy_instrument_as_new_version(instrument)
            self.message_user(
                request,
                _("%(name)s version %(version)s skapad (inaktiv).")
                % {"name": copy.name, "version": copy.version},
                messages.SUCCESS,
            )


@admin.register(InstrumentPart)
class InstrumentPartAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "instrument", "order"]
    list_filter = ["instrument"]
    fields = ["instrument", "code", "label", "order"]
    inlines = [FactorInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _in_use(obj):
            return ["instrument", "code", "label", "order"]
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    """All factors in one list, to add an organisation's guidance text quickly."""

    form = FactorForm
    list_display = ["code", "label", "part", "scale", "verified"]
    list_filter = ["part__instrument", "verified", "translated"]
    search_fields = ["label", "code"]
    fields = [
        "part",
        "code",
        "label",
        "order",
        "scale",
        "ticks",
        "guidance",
        "translated",
        "verified",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and _in_use(obj.part):
            return ["part", "code", "label", "order", "scale", "ticks", "translated"]
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or not _in_use(obj.part)) and super().has_delete_permission(
            request, obj
        )
