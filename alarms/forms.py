"""Forms of the alarm pages. Swedish labels and messages; on an error the page is shown again
with everything typed kept. Choices (devices, carriers, assessments, decision makers) come
from the case or the unit, so a posted id from elsewhere is simply an invalid choice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation, User
from alarms.basis import BasisChoice
from alarms.models import AlarmEvent, CheckDefinition, Device, DeviceKind, Loan
from cases.formfields import REQUIRED, VersionedForm, date_field, text_area
from cases.models import Participant

NO_ASSESSMENT = "none"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


# --- devices ---------------------------------------------------------------------------------


class DeviceForm(VersionedForm):
    unit = forms.ModelChoiceField(
        label=_("Polisenhet"), queryset=Organisation.objects.none(), empty_label=None
    )
    kind = forms.ModelChoiceField(
        label=_("Typ"),
        queryset=DeviceKind.objects.filter(active=True),
        empty_label=_("Välj typ"),
        error_messages={"required": _("Välj typ av enhet.")},
    )
    serial = forms.CharField(
        label=_("Serienummer"), max_length=60, error_messages={"required": REQUIRED}
    )
    imei = forms.RegexField(
        label=_("IMEI"),
        regex=r"^\d{14,16}$",
        required=False,
        help_text=_("14–16 siffror. Lämna tomt om enheten saknar mobilmodul."),
        error_messages={"invalid": _("IMEI består av 14–16 siffror.")},
    )
    sim_number = forms.RegexField(
        label=_("SIM-nummer"),
        regex=r"^[0-9 +-]{6,30}$",
        required=False,
        help_text=_("Abonnemangets nummer eller SIM-kortets ICCID."),
        error_messages={"invalid": _("Endast siffror, mellanslag, + och -.")},
    )
    notes = text_area(_("Anteckningar"))

    def __init__(self, *args: Any, units: list[Organisation], editing: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])
        if editing:
            del self.fields["unit"]
            del self.fields["kind"]
        elif len(units) == 1:
            unit_field.initial = units[0].pk
            unit_field.widget = forms.HiddenInput()


class CheckForm(forms.Form):
    note = text_area(_("Anteckning"), help_text=_("T.ex. vad som inte fungerade."))

    def __init__(self, *args: Any, definitions: list[CheckDefinition], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.definitions = definitions
        for definition in definitions:
            self.fields[f"check_{definition.pk}"] = forms.BooleanField(
                label=definition.label,
                required=False,
                help_text=_("Godkänd. Gäller i %(days)s dagar.")
                % {"days": definition.interval_days},
            )

    def passed(self) -> set[int]:
        return {d.pk for d in self.definitions if self.cleaned_data.get(f"check_{d.pk}")}

    def check_fields(self) -> list[forms.BoundField]:
        return [self[f"check_{d.pk}"] for d in self.definitions]


class StatusForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Ny status"),
        choices=[
            (Device.Status.IN_STORE, _("I förråd")),
            (Device.Status.SERVICE, _("På service")),
            (Device.Status.RETIRED, _("Kasserad")),
        ],
    )


class InventoryFilterForm(forms.Form):
    PROBLEMS = [
        ("", _("Alla")),
        ("overdue", _("Kontroll försenad eller saknas")),
        ("past_dates", _("Utlånade efter översyns- eller återlämningsdatum")),
        ("without_assessment", _("Utlånade utan strukturerad bedömning")),
        ("lendable", _("Klara för utlåning")),
    ]
    kind = forms.ModelChoiceField(
        label=_("Typ"), queryset=DeviceKind.objects.all(), required=False, empty_label=_("Alla")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alla")), *Device.Status.choices], required=False
    )
    problem = forms.ChoiceField(label=_("Visa"), choices=PROBLEMS, required=False)
    # A big unit's inventory is paged: one device is found by (a part of) its serial.
    serial = forms.CharField(label=_("Serienummer"), required=False, max_length=60)


# --- loans -----------------------------------------------------------------------------------


class BasisMixin(forms.Form):
    """The decision basis: a final assessment of the case (its summary beside it) or none,
    then a written reason; and the decision maker."""

    assessment = forms.ChoiceField(
        label=_("Beslutsunderlag"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj en bedömning eller ”ingen strukturerad bedömning”.")},
    )
    reason = text_area(
        _("Skäl till beslutet"),
        help_text=_(
            "Krävs när ingen slutförd hot- och riskbedömning är underlag. Lånet markeras då "
            "”utan strukturerad bedömning”."
        ),
    )
    decision_maker = UserChoiceField(
        label=_("Beslutsfattare"), queryset=User.objects.none(), empty_label=None
    )

    def setup_basis(self, choices: list[BasisChoice], staff: list[User], actor: User) -> None:
        self.basis_choices = choices
        field = self.fields["assessment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            *((str(c.assessment_id), f"{c.label} – {c.summary}") for c in choices),
            (NO_ASSESSMENT, _("Ingen strukturerad bedömning (skriv skälet nedan)")),
        ]
        field.initial = str(choices[0].assessment_id) if choices else NO_ASSESSMENT
        maker = self.fields["decision_maker"]
        assert isinstance(maker, forms.ModelChoiceField)
        maker.queryset = User.objects.filter(pk__in=[u.pk for u in staff]).order_by("full_name")
        maker.initial = actor.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("assessment") == NO_ASSESSMENT and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                _("Ingen bedömning är vald: skriv skälet till beslutet."),
            )
        return data

    def assessment_id(self) -> int | None:
        value = self.cleaned_data.get("assessment")
        return None if value in (None, "", NO_ASSESSMENT) else int(value)


class DeviceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.kind.name} – {obj.serial}"


class CarrierChoiceField(forms.ModelChoiceField):
    show_names = True

    def label_from_instance(self, obj: Any) -> str:
        role = obj.get_role_display()
        return f"{role}: {obj.person.full_name}" if self.show_names else str(role)


class LendForm(BasisMixin):
    device = DeviceChoiceField(
        # "Enhet" is also a police unit (the statistics filter): a context tells them apart.
        label=pgettext_lazy("larmutrustning", "Enhet"),
        queryset=Device.objects.none(),
        empty_label=pgettext_lazy("larmutrustning", "Välj enhet"),
        error_messages={"required": _("Välj vilken enhet som lånas ut.")},
    )
    carrier = CarrierChoiceField(
        label=_("Bärare"),
        queryset=Participant.objects.none(),
        empty_label=None,
        help_text=_("Skyddspersonen eller en närstående i ärendet."),
    )
    started_on = date_field(_("Utlånad"), required=True)
    review_on = date_field(
        _("Översyn senast"), help_text=_("Lämna tomt för standardtiden (tre månader).")
    )
    return_by = date_field(_("Planerat återlämnande"))
    acknowledged = forms.BooleanField(
        label=_("Bäraren har fått och kvitterat instruktionerna"), required=False
    )

    field_order = [
        "device",
        "carrier",
        "started_on",
        "review_on",
        "return_by",
        "assessment",
        "reason",
        "decision_maker",
        "acknowledged",
    ]

    def __init__(
        self,
        *args: Any,
        devices: list[Device],
        carriers: list[Participant],
        choices: list[BasisChoice],
        staff: list[User],
        actor: User,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        device_field = self.fields["device"]
        assert isinstance(device_field, forms.ModelChoiceField)
        # With its kind: the option labels name it (one query per device otherwise, 91 for
        # a big unit's ready devices).
        device_field.queryset = Device.objects.filter(
            pk__in=[d.pk for d in devices]
        ).select_related("kind")
        carrier_field = self.fields["carrier"]
        assert isinstance(carrier_field, forms.ModelChoiceField)
        carrier_field.queryset = Participant.objects.filter(
            pk__in=[c.pk for c in carriers]
        ).select_related("person")
        self.fields["started_on"].initial = timezone.localdate()
        self.setup_basis(choices, staff, actor)


class ReviewForm(VersionedForm, BasisMixin):
    review_on = date_field(_("Nästa översyn senast"), required=True)
    return_by = date_field(_("Planerat återlämnande"))
    field_order = ["review_on", "return_by", "assessment", "reason", "decision_maker"]


class ReturnForm(VersionedForm):
    on = date_field(_("Återlämnad"), required=True)
    returned_device = forms.BooleanField(
        label=_("Enheten är återlämnad"),
        required=True,
        error_messages={
            "required": _("Bocka i att enheten är återlämnad, eller registrera den som förlorad.")
        },
    )
    returned_charger = forms.BooleanField(label=_("Laddaren är återlämnad"), required=False)
    condition = forms.ChoiceField(
        label=_("Skick"),
        choices=Loan.Condition.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Ange enhetens skick.")},
    )
    note = text_area(_("Anteckning"))


class LostForm(VersionedForm):
    on = date_field(_("Förlorad (datum)"), required=True)
    note = text_area(_("Vad hände?"), required=True)


class AcknowledgeForm(VersionedForm):
    on = date_field(_("Kvitterad"), required=True)


class EventForm(forms.Form):
    occurred_on = date_field(_("Datum"), required=True)
    occurred_time = forms.TimeField(
        label=_("Klockslag"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": REQUIRED, "invalid": _("Ange klockslaget som TT:MM.")},
    )
    kind = forms.ChoiceField(
        label=_("Typ av larm"), choices=AlarmEvent.Kind.choices, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=_("Utfall"), choices=AlarmEvent.Outcome.choices, widget=forms.RadioSelect
    )
    note = text_area(_("Anteckning"))

    def occurred_at(self) -> datetime:
        naive = datetime.combine(
            self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"]
        )
        return timezone.make_aware(naive)
