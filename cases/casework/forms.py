"""Forms of case work. Swedish labels and messages; on an error the page is shown again with
everything typed kept. Choices (participants, assignees, organisations) always come from the
case itself, so a posted id from another case is simply an invalid choice."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.access import CaseAccess
from cases.casework import services
from cases.casework.notefields import note_fields, note_shared_field
from cases.formfields import (
    END_BEFORE_START,
    IN_FUTURE,
    PAST_DUE,
    VersionedForm,
    date_field,
    text_area,
)
from cases.models import (
    CaseClosure,
    ContactBan,
    FollowUp,
    MeasureKind,
    Participant,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
)


def _party_choices(parties: list[str]) -> list[tuple[str, Any]]:
    return [(value, label) for value, label in Party.choices if value in parties]


# --- measures ----------------------------------------------------------------------------------


class MeasureForm(VersionedForm):
    kind = forms.TypedChoiceField(
        label=_("Åtgärd"),
        coerce=int,
        error_messages={"required": _("Välj en åtgärd i listan.")},
    )
    responsible_party = forms.ChoiceField(
        label=_("Ansvarig part"),
        required=False,
        help_text=_("Lämnas valet som det är gäller åtgärdstypens vanliga ansvariga part."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ProtectiveMeasure.Status.choices,
        initial=ProtectiveMeasure.Status.PLANNED,
    )
    start_date = date_field(_("Startdatum"))
    end_date = date_field(_("Slutdatum"))
    note = text_area(_("Anteckning"))
    note_shared = note_shared_field()
    statement_date = date_field(
        _("Datum för utlåtandet"),
        help_text=_("Endast för skyddade personuppgifter: när utlåtandet lämnades."),
    )
    statement_text = text_area(
        _("Utlåtande till Skatteverket"),
        help_text=_("Endast för skyddade personuppgifter: polisens utlåtande i korthet."),
    )

    def __init__(
        self,
        *args: Any,
        parties: list[str],
        current_kind: MeasureKind | None = None,
        police: bool = True,
        note_visible: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        note_fields(self, police=police, note_visible=note_visible)
        kinds = list(MeasureKind.objects.filter(active=True))
        if current_kind is not None and current_kind not in kinds:
            kinds.append(current_kind)
        self.kinds = {kind.pk: kind for kind in kinds}
        groups: dict[str, list[tuple[int, str]]] = {}
        for kind in kinds:
            groups.setdefault(kind.get_category_display(), []).append((kind.pk, kind.name))
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", _("Välj åtgärd …")), *groups.items()]
        party_field = self.fields["responsible_party"]
        assert isinstance(party_field, forms.ChoiceField)
        if len(parties) == 1:
            # Social services register only what they are responsible for themselves.
            party_field.choices = _party_choices(parties)
            party_field.initial = parties[0]
            party_field.required = True
            party_field.help_text = ""
        else:
            party_field.choices = [("", _("Enligt åtgärdstypen")), *_party_choices(parties)]

    def clean_kind(self) -> MeasureKind:
        value = self.cleaned_data["kind"]
        try:
            return self.kinds[int(value)]
        except (KeyError, TypeError, ValueError):
            raise forms.ValidationError(_("Välj en åtgärd i listan.")) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", END_BEFORE_START)
        if data.get("status") == ProtectiveMeasure.Status.ENDED and not end and "end_date" in data:
            self.add_error("end_date", _("Ange slutdatum för en avslutad åtgärd."))
        kind: MeasureKind | None = data.get("kind")
        statement_date, statement_text = data.get("statement_date"), data.get("statement_text")
        if kind is not None and not kind.records_statement:
            if statement_date or statement_text:
                self.add_error(
                    "statement_text",
                    _("Utlåtande registreras bara för åtgärden skyddade personuppgifter."),
                )
        elif kind is not None:
            if statement_date and statement_date > timezone.localdate():
                self.add_error("statement_date", IN_FUTURE)
            if statement_text and not statement_date:
                self.add_error("statement_date", _("Ange datum för utlåtandet."))
        return data


# --- kontaktförbud -----------------------------------------------------------------------------


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_role_display()}: {obj.person.full_name}"


class ContactBanForm(VersionedForm):
    ban_type = forms.ChoiceField(
        label=_("Typ av kontaktförbud"), choices=ContactBan.BanType.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ContactBan.Status.choices, initial=ContactBan.Status.REQUESTED
    )
    electronic_monitoring = forms.BooleanField(
        label=_("Förenat med elektronisk övervakning (fotboja)"), required=False
    )
    decision_date = date_field(_("Beslutsdatum"))
    deciding_body = forms.CharField(
        label=_("Beslutande myndighet"),
        required=False,
        max_length=200,
        help_text=_("T.ex. Åklagarmyndigheten, åklagarkammaren i Västerås, eller tingsrätten."),
    )
    valid_from = date_field(_("Gäller från"))
    valid_until = date_field(_("Gäller till"))
    protected_participant = ParticipantChoiceField(
        label=_("Skyddad person"),
        queryset=Participant.objects.none(),
        empty_label=_("Välj person …"),
        error_messages={"required": _("Välj den person som förbudet skyddar.")},
    )
    restricted_participant = ParticipantChoiceField(
        label=_("Person som förbudet gäller"),
        queryset=Participant.objects.none(),
        empty_label=_("Välj person …"),
        help_text=_("Normalt hotutövaren."),
        error_messages={"required": _("Välj den person som förbudet gäller.")},
    )
    note = text_area(_("Anteckning"))

    def __init__(self, *args: Any, case: ProtectionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participants = case.participants.select_related("person").order_by("role", "pk")
        for name in ("protected_participant", "restricted_participant"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = participants
        if not self.is_bound and "protected_participant" not in self.initial:
            by_role: dict[str, Participant] = {}
            for participant in participants:
                by_role.setdefault(participant.role, participant)
            if Participant.Role.PROTECTED in by_role:
                self.initial["protected_participant"] = by_role[Participant.Role.PROTECTED].pk
            if Participant.Role.THREAT_ACTOR in by_role:
                self.initial["restricted_participant"] = by_role[Participant.Role.THREAT_ACTOR].pk

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        error = services.contact_ban_period_error(
            data.get("ban_type", ""), data.get("valid_from"), data.get("valid_until")
        )
        if error:
            self.add_error("valid_until", error)
        protected: Participant | None = data.get("protected_participant")
        restricted: Participant | None = data.get("restricted_participant")
        if protected and restricted and protected.person_id == restricted.person_id:
            self.add_error(
                "restricted_participant",
                _(
                    "Personen som förbudet gäller kan inte vara samma person som den skyddade. "
                    "Välj hotutövaren."
                ),
            )
        decision = data.get("decision_date")
        if decision and decision > timezone.localdate():
            self.add_error("decision_date", IN_FUTURE)
        return data


class BreachForm(forms.Form):
    occurred_on = date_field(_("Datum för överträdelsen"), required=True)
    reported_on = date_field(_("Anmäld"), help_text=_("Datum då överträdelsen polisanmäldes."))
    description = text_area(_("Vad hände?"), required=True, rows=4)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        today = timezone.localdate()
        occurred, reported = data.get("occurred_on"), data.get("reported_on")
        if occurred and occurred > today:
            self.add_error("occurred_on", IN_FUTURE)
        if reported and reported > today:
            self.add_error("reported_on", IN_FUTURE)
        elif occurred and reported and reported < occurred:
            self.add_error("reported_on", _("Anmälan kan inte vara före överträdelsen."))
        return data


# --- follow-ups --------------------------------------------------------------------------------


class FollowUpForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Typ av uppföljning"), choices=FollowUp.Kind.choices)
    due_date = date_field(_("Senast"), required=True)
    responsible_party = forms.ChoiceField(label=_("Ansvarig part"))
    assignee = forms.TypedChoiceField(
        label=_("Ansvarig handläggare"),
        coerce=int,
        help_text=_("Uppföljningen visas under Att göra för den som är ansvarig."),
        error_messages={"required": _("Välj vem som ansvarar för uppföljningen.")},
    )
    note = text_area(_("Anteckning"))
    note_shared = note_shared_field()

    def __init__(
        self,
        *args: Any,
        case: ProtectionCase,
        parties: list[str],
        actor: User,
        current_due: date | None = None,
        case_access: CaseAccess | None = None,
        note_visible: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        note_fields(
            self,
            police=case_access is None or case_access.is_police,
            note_visible=note_visible,
        )
        self.current_due = current_due
        party_field = self.fields["responsible_party"]
        assert isinstance(party_field, forms.ChoiceField)
        party_field.choices = _party_choices(parties)
        self.assignees = {
            party: users
            for party, users in services.assignee_choices(case, case_access).items()
            if party in parties
        }
        assignee_field = self.fields["assignee"]
        assert isinstance(assignee_field, forms.ChoiceField)
        labels = dict(Party.choices)
        assignee_field.choices = [
            ("", _("Välj handläggare …")),
            *(
                (labels[party], [(user.pk, user.full_name) for user in users])
                for party, users in self.assignees.items()
                if users
            ),
        ]
        if not self.is_bound:
            for party, users in self.assignees.items():
                if actor in users:
                    self.initial.setdefault("responsible_party", party)
                    self.initial.setdefault("assignee", actor.pk)
                    break

    def clean_due_date(self) -> date:
        due: date = self.cleaned_data["due_date"]
        changed = self.current_due is None or due != self.current_due
        if changed and due < timezone.localdate():
            raise forms.ValidationError(PAST_DUE)
        return due

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        party, assignee_id = data.get("responsible_party"), data.get("assignee")
        if party and assignee_id:
            user = next((u for u in self.assignees.get(party, []) if u.pk == assignee_id), None)
            if user is None:
                self.add_error(
                    "assignee",
                    _("Välj en handläggare hos %(party)s som har tillgång till ärendet.")
                    % {"party": Party(party).label.lower()},
                )
            else:
                data["assignee"] = user
        return data


class CompleteFollowUpForm(VersionedForm):
    done_on = date_field(_("Utförd"), required=True)
    outcome = text_area(_("Resultat"), required=True, rows=4)
    next_due_date = date_field(
        _("Nästa uppföljning senast"),
        help_text=_("Planera nästa uppföljning direkt – varje öppet ärende ska ha en."),
    )
    next_kind = forms.ChoiceField(
        label=_("Typ av nästa uppföljning"),
        required=False,
        choices=[("", _("Samma typ som denna")), *FollowUp.Kind.choices],
    )

    def clean_done_on(self) -> date:
        done: date = self.cleaned_data["done_on"]
        if done > timezone.localdate():
            raise forms.ValidationError(IN_FUTURE)
        return done

    def clean_next_due_date(self) -> date | None:
        due: date | None = self.cleaned_data.get("next_due_date")
        if due and due < timezone.localdate():
            raise forms.ValidationError(PAST_DUE)
        return due


# --- closing, reopening, legal hold ------------------------------------------------------------


class CloseCaseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Skäl"),
        choices=[("", _("Välj skäl …")), *CaseClosure.Reason.choices],
        error_messages={"required": _("Välj ett skäl.")},
    )
    reason_text = forms.CharField(
        label=_("Beskrivning av skälet"),
        required=False,
        max_length=300,
        help_text=_("Krävs när skälet är ”Annat skäl”."),
    )
    final_note = text_area(
        _("Slutanteckning"),
        required=True,
        rows=5,
        help_text=_(
            "Vad har gjorts, hur ser situationen ut nu och vad har skyddspersonen fått "
            "veta om avslutet."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("reason") == CaseClosure.Reason.OTHER and not data.get("reason_text", ""):
            self.add_error("reason_text", _("Beskriv skälet när du väljer ”Annat skäl”."))
        return data


class ClosingNoteForm(forms.Form):
    text = text_area(
        _("Anteckning efter avslutet"),
        required=True,
        rows=6,
        help_text=_("Kan skrivas en gång, t.ex. vad som hände efter avslutet."),
    )


class ReopenCaseForm(forms.Form):
    reason = text_area(_("Skäl för att återöppna ärendet"), required=True, rows=4)


class LegalHoldForm(VersionedForm):
    reason = text_area(
        _("Skäl för bevarande"),
        required=True,
        rows=4,
        help_text=_("T.ex. pågående rättsprocess eller begäran från tillsynsmyndighet."),
    )
