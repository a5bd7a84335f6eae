"""Forms of the case pages. Swedish labels and messages; validation only, no access decisions
(the views hand in the choices the access module allows)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from cases import personnummer as pnr
from cases.formfields import REQUIRED as REQUIRED_MESSAGE
from cases.formfields import (
    SHORT_TEXT_LIMIT,
    TOO_LONG,
    CheckboxWidget,
    FlatChoices,
    IdMultipleChoiceField,
    LongSelect,
    TextWidget,
    date_field,
    text_area,
    version_field,
)
from cases.models import JournalEntry, Participant, Person, ProtectionCase, SecretDwelling

REQUIRED = {"required": REQUIRED_MESSAGE}
CHOICE = {"invalid_choice": _("Välj ett av alternativen.")}


def _date_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return date_field(label, required=required, help_text=help_text)


def _contact_field(name: str, widget: forms.Widget | None = None) -> forms.CharField:
    """A contact field as the participant row defines it (label, length)."""
    model_field = Participant._meta.get_field(name)
    assert isinstance(model_field, models.CharField)
    return forms.CharField(
        label=capfirst(model_field.verbose_name),
        max_length=model_field.max_length,
        required=False,
        widget=widget or forms.TextInput(),
        error_messages={"max_length": TOO_LONG},
    )


class PersonForm(forms.ModelForm):
    """A person: name, personnummer or samordningsnummer (or date of birth), contact, level."""

    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        required=False,
        max_length=20,
        help_text=_(
            "10 eller 12 siffror, ÅÅÅÅMMDD-NNNN. Samordningsnummer går också bra. "
            "Lämna tomt och ange födelsedatum om nummer saknas."
        ),
        widget=TextWidget(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={"max_length": _("Numret är för långt.")},
    )
    date_of_birth = _date_field(_("Födelsedatum"), help_text=_("Bara om personnummer saknas."))
    # The contact details are the case's (cases.models.Participant), not the person's: the
    # form carries them beside the person's fields and the service puts them on the row of
    # this case only.
    phone = _contact_field("phone", forms.TextInput(attrs={"type": "tel"}))
    street_address = _contact_field("street_address")
    postal_code = _contact_field("postal_code")
    city = _contact_field("city")

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "personnummer",
            "date_of_birth",
            "phone",
            "street_address",
            "postal_code",
            "city",
            "protection",
        ]
        error_messages = {
            "first_name": REQUIRED,
            "last_name": REQUIRED,
            "protection": CHOICE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "phone", "street_address", "postal_code", "city"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")

    def clean_personnummer(self) -> str:
        raw = (self.cleaned_data.get("personnummer") or "").strip()
        if not raw:
            return ""
        try:
            return pnr.normalise(raw)
        except pnr.InvalidPersonnummer as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def clean_date_of_birth(self) -> date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("Födelsedatumet ligger i framtiden."))
        return born

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        number = data.get("personnummer")
        born = data.get("date_of_birth")
        if number:
            from_number = pnr.parse(number).birth_date
            # On edit the field still holds the date derived from the old number: a new
            # number replaces it rather than contradicting it.
            stale = self.instance.pk and born == self.instance.date_of_birth
            if born and born != from_number and not stale:
                self.add_error(
                    "date_of_birth",
                    _("Födelsedatumet stämmer inte med personnumret. Lämna det tomt."),
                )
            else:
                data["date_of_birth"] = from_number
        return data

    def _post_clean(self) -> None:
        # Saving goes through cases.services (history reason, hash, version); the model
        # instance is not touched here, so a failed save never half-updates it.
        pass


class PersonEditForm(PersonForm):
    """A person in one case: the identity (the person's, ``version``) and this case's contact
    details (``contact_version``), each with its own version check."""

    version = version_field(required=True)
    contact_version = version_field(required=True)


class IntakeForm(forms.Form):
    """The case part of "Nytt skyddsärende" (the persons are PersonForms beside it)."""

    unit = forms.ModelChoiceField(
        label=_("Ansvarig polisenhet"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={**REQUIRED, **CHOICE},
    )
    category = forms.ChoiceField(
        label=_("Kategori"),
        choices=[("", _("– välj –")), *ProtectionCase.Category.choices],
        error_messages={**REQUIRED, **CHOICE},
    )
    threat_picture = text_area(
        _("Hotbild"),
        rows=5,
        help_text=_("Kort beskrivning av hotbilden. Visas bara för polisen."),
    )
    restricted = forms.BooleanField(
        label=_("Särskilt personsäkerhetsarbete"),
        required=False,
        help_text=_("Ärendet syns då bara för tilldelade handläggare och enhetschef."),
    )
    responsible = IdMultipleChoiceField(
        label=_("Fler ansvariga handläggare"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Du blir själv ansvarig. Välj fler från samma enhet vid behov."),
        error_messages={"invalid_choice": _("Välj handläggare från listan.")},
    )

    def __init__(
        self,
        *args: Any,
        units: list[Organisation],
        handlers_by_unit: dict[int, list[User]],
        me: User,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.handlers_by_unit = handlers_by_unit
        unit_field: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            unit_field.initial = units[0].pk
        ids = {u.pk for users in handlers_by_unit.values() for u in users} - {me.pk}
        responsible: forms.ModelMultipleChoiceField = self.fields["responsible"]  # type: ignore[assignment]
        responsible.queryset = User.objects.filter(pk__in=ids).order_by("full_name")
        labels = {u.pk: u.full_name for users in handlers_by_unit.values() for u in users}
        if len(units) > 1:
            unit_names = {
                u.pk: ", ".join(o.name for o in units if u in handlers_by_unit.get(o.pk, []))
                for users in handlers_by_unit.values()
                for u in users
            }
            labels = {pk: f"{name} ({unit_names[pk]})" for pk, name in labels.items()}
        responsible.label_from_instance = lambda user: labels.get(user.pk, user.full_name)  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        unit = data.get("unit")
        chosen = data.get("responsible") or []
        if unit is not None:
            allowed = {u.pk for u in self.handlers_by_unit.get(unit.pk, [])}
            if any(u.pk not in allowed for u in chosen):
                self.add_error(
                    "responsible", _("Ansvariga handläggare måste tillhöra den valda enheten.")
                )
        return data


class CaseEditForm(forms.Form):
    version = version_field(required=True)
    category = forms.ChoiceField(
        label=_("Kategori"),
        choices=ProtectionCase.Category.choices,
        error_messages={**REQUIRED, **CHOICE},
    )
    threat_picture = text_area(_("Hotbild"), rows=8, help_text=_("Visas bara för polisen."))
    restricted = forms.BooleanField(
        label=_("Särskilt personsäkerhetsarbete"),
        required=False,
        help_text=_("Ärendet syns då bara för tilldelade handläggare och enhetschef."),
    )


def relationship_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Relation till skyddspersonen"),
        required=False,
        choices=[("", _("Ej angiven")), *Participant.Relationship.choices],
        error_messages=CHOICE,
    )


def participant_note_field() -> forms.CharField:
    return forms.CharField(label=_("Anteckning om deltagaren"), required=False, max_length=300)


class ParticipantDetailsForm(forms.Form):
    """At intake, what the threat actor's participation says beside the person: the
    relationship to the protected person and a note (as when adding a participant)."""

    relationship = relationship_field()
    note = participant_note_field()


class ParticipantForm(forms.Form):
    """Role plus either a person already in this case or a new person (PersonForm beside)."""

    NEW = ""

    # No default: the role is chosen, never assumed (a relative saved as "Skyddsperson").
    role = forms.ChoiceField(
        label=_("Roll"),
        choices=[("", _("Välj roll …")), *Participant.Role.choices],
        error_messages={**REQUIRED, **CHOICE},
    )
    existing = forms.ChoiceField(
        label=_("Person"),
        required=False,
        help_text=_("En person som redan finns i ärendet, i en ny roll – eller en ny person."),
        error_messages=CHOICE,
    )
    relationship = relationship_field()
    note = participant_note_field()

    def __init__(self, *args: Any, persons: list[tuple[Person, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = {str(person.key): person for person, _label in persons}
        existing: forms.ChoiceField = self.fields["existing"]  # type: ignore[assignment]
        existing.choices = [
            (self.NEW, _("Ny person (fyll i uppgifterna nedan)")),
            *[(str(person.key), label) for person, label in persons],
        ]

    def existing_person(self) -> Person | None:
        key = self.cleaned_data.get("existing") or ""
        return self.persons.get(key)


class JournalForm(forms.Form):
    occurred_on = _date_field(_("Datum"), required=True)
    visibility = forms.ChoiceField(
        label=_("Vem får läsa anteckningen"),
        choices=JournalEntry.Visibility.choices,
        initial=JournalEntry.Visibility.POLICE_INTERNAL,
        widget=forms.RadioSelect,
        error_messages={**REQUIRED, **CHOICE},
    )
    text = text_area(_("Anteckning"), required=True, rows=6)

    def clean_occurred_on(self) -> date:
        day: date = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Datumet får inte ligga i framtiden."))
        return day


class DwellingForm(forms.ModelForm):
    valid_from = _date_field(_("Gäller från"))
    valid_until = _date_field(_("Gäller till"))
    address = text_area(
        _("Adress och uppgifter"), required=True, rows=3, max_length=SHORT_TEXT_LIMIT
    )

    class Meta:
        model = SecretDwelling
        fields = ["description", "address", "police_only", "valid_from", "valid_until"]
        error_messages = {"description": REQUIRED, "address": REQUIRED}

    def __init__(self, *args: Any, may_mark_police_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_mark_police_only:
            del self.fields["police_only"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Slutdatumet ligger före startdatumet."))
        return data

    def _post_clean(self) -> None:
        pass  # saved through cases.services.add_dwelling


class AssignHandlerForm(forms.Form):
    handler = forms.ModelChoiceField(
        label=_("Tilldela handläggare"),
        queryset=User.objects.none(),
        empty_label=_("– välj –"),
        widget=LongSelect,
        error_messages={**REQUIRED, "invalid_choice": _("Välj en handläggare i listan.")},
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        """``candidates``: (user id, name) in the order shown (services.unit_handler_choices)."""
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["handler"]  # type: ignore[assignment]
        if self.is_bound:
            # What a posted choice is checked against; the case page's unbound form shows
            # the options only and needs no queryset of its 400 ids (issue 16).
            field.queryset = User.objects.filter(pk__in=[pk for pk, _name in candidates]).order_by(
                "full_name"
            )
        # The options from the candidates in hand, not from the queryset again: a big unit's
        # 400 handlers were read twice per case page (issue 16).
        field.widget.choices = [("", field.empty_label), *candidates]


class CaseFilterForm(forms.Form):
    """Filters of the case list. The form posts (its keyword is free text: a name typed
    there must never enter a URL); a GET link may carry only the choice filters."""

    reference = forms.CharField(
        label=_("Diarienummer eller sökord"),
        required=False,
        max_length=40,
        help_text=_("T.ex. PSS-U-2026-00042, eller kontaktförbud/besöksförbud."),
        widget=TextWidget,
    )
    # The list page's widgets are written in Python (cases.formfields.QuickInput, LongSelect).
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla")), *ProtectionCase.Status.choices],
        widget=LongSelect,
    )
    category = forms.ChoiceField(
        label=_("Kategori"),
        required=False,
        choices=[("", _("Alla")), *ProtectionCase.Category.choices],
        widget=LongSelect,
    )
    responsible = forms.TypedChoiceField(
        label=_("Ansvarig handläggare"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=LongSelect,
    )
    mine = forms.BooleanField(label=_("Bara mina ärenden"), required=False, widget=CheckboxWidget)

    def __init__(self, *args: Any, handlers: list[tuple[int, str]], **kwargs: Any) -> None:
        """``handlers``: (id, name) of who may be chosen (services.unit_handler_choices)."""
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["responsible"]  # type: ignore[assignment]
        field.choices = FlatChoices([("", _("Alla")), *handlers])
        if not handlers:
            del self.fields["responsible"]


class NameSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        min_length=2,
        max_length=100,
        help_text=_("För- eller efternamn, eller båda."),
        error_messages={
            **REQUIRED,
            "min_length": _("Skriv minst två tecken."),
            "max_length": _("Skriv högst 100 tecken."),
        },
        widget=TextWidget(attrs={"autocomplete": "off"}),
    )


class PersonnummerSearchForm(forms.Form):
    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        help_text=_("Exakt träff. 10 eller 12 siffror."),
        error_messages=REQUIRED,
        widget=TextWidget(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_personnummer(self) -> str:
        try:
            return pnr.normalise(self.cleaned_data["personnummer"])
        except pnr.InvalidPersonnummer as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
