"""Case-work forms: support information (several persons, one note, the contact answer) and
the referral of a threat actor."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.casework.forms import ParticipantChoiceField
from cases.formfields import IN_FUTURE, IdMultipleChoiceField, date_field
from cases.models import Participant, ProtectionCase, SupportOrganisation


class OrganisationChoiceField(IdMultipleChoiceField):
    """Checkboxes labelled with name, phone and opening hours."""

    def label_from_instance(self, obj: Any) -> str:
        return _org_label(obj)


class ParticipantsChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_role_display()}: {obj.person.full_name}"


YES_NO = [("yes", _("Ja")), ("no", _("Nej"))]


class SupportInformationForm(forms.Form):
    """Information (several persons, one note, the contact answer) or a referral (one threat
    actor); the fields that do not apply are removed in ``__init__``."""

    participants = ParticipantsChoiceField(
        label=_("Personer som fick informationen"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Välj minst en person som fick informationen."),
            "invalid_choice": _("Välj bara personer som ingår i ärendet."),
            "invalid_pk_value": _("Välj bara personer som ingår i ärendet."),
        },
    )
    may_contact = forms.ChoiceField(
        label=_("Får stödorganisationen kontakta personen?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Svara om stödorganisationen får kontakta personen.")},
    )
    participant = ParticipantChoiceField(
        label=_("Person"),
        queryset=Participant.objects.none(),
        empty_label=_("Välj person …"),
        error_messages={"required": _("Välj vem som fick informationen.")},
    )
    organisations = OrganisationChoiceField(
        label=_("Stödverksamheter"),
        queryset=SupportOrganisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en verksamhet.")},
    )
    informed_on = date_field(_("Datum"), required=True)
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        case: ProtectionCase,
        groups: list[tuple[str, list[SupportOrganisation], bool]],
        referral: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        roles = (
            [Participant.Role.THREAT_ACTOR]
            if referral
            else [Participant.Role.PROTECTED, Participant.Role.RELATIVE, Participant.Role.CHILD]
        )
        people = (
            case.participants.filter(role__in=roles).select_related("person").order_by("role", "pk")
        )
        if referral:
            del self.fields["participants"], self.fields["may_contact"]
            participant_field = self.fields["participant"]
            assert isinstance(participant_field, forms.ModelChoiceField)
            participant_field.queryset = people
            if not self.is_bound:
                first = next(iter(people), None)
                if first is not None:
                    self.initial.setdefault("participant", first.pk)
            participant_field.label = _("Hotutövare som hänvisades")
            participant_field.error_messages["required"] = _("Välj vem som hänvisades.")
        else:
            del self.fields["participant"]
            participants_field = self.fields["participants"]
            assert isinstance(participants_field, forms.ModelMultipleChoiceField)
            participants_field.queryset = people
        self.groups = groups
        ids = [org.pk for _label, orgs, _secondary in groups for org in orgs]
        organisations_field = self.fields["organisations"]
        assert isinstance(organisations_field, forms.ModelMultipleChoiceField)
        organisations_field.queryset = SupportOrganisation.objects.filter(pk__in=ids)
        if not self.is_bound:
            self.initial.setdefault("informed_on", timezone.localdate())

    def clean_informed_on(self) -> date:
        informed: date = self.cleaned_data["informed_on"]
        if informed > timezone.localdate():
            raise forms.ValidationError(IN_FUTURE)
        return informed

    def clean_may_contact(self) -> bool:
        return bool(self.cleaned_data["may_contact"] == "yes")

    def grouped_checkboxes(self) -> list[dict[str, Any]]:
        """The organisation checkboxes in the offered groups, most relevant first. A
        secondary group is folded unless something in it is checked."""
        widgets = {str(w.data["value"]): w for w in self["organisations"].subwidgets}
        result = []
        for label, orgs, secondary in self.groups:
            members = [widgets[str(org.pk)] for org in orgs if str(org.pk) in widgets]
            checked = any(w.data["selected"] for w in members)
            result.append({"label": label, "widgets": members, "folded": secondary and not checked})
        return result


def _org_label(org: SupportOrganisation) -> str:
    parts = [org.name]
    if org.phone:
        parts.append(str(_("tel. %(phone)s") % {"phone": org.phone}))
    if org.opening_hours:
        parts.append(org.opening_hours)
    return " – ".join(parts)
