"""Forms of the sharing pages. Swedish labels and errors; services do the writing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from cases.breakglass import reason_problem
from cases.formfields import IdMultipleChoiceField, LongSelect, date_field, text_area
from cases.models import AccessLogEntry, Disclosure
from cases.models.disclosure import SCOPE_FIELDS
from cases.textlimits import BREAK_GLASS_REASON_LIMIT

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str


def _date_field(
    label: StrOrPromise, *, required: bool, help_text: StrOrPromise = ""
) -> forms.DateField:
    return date_field(label, required=required, help_text=help_text)


class DisclosureForm(forms.Form):
    """A new disclosure from the police to a social-services organisation."""

    recipient = forms.ModelChoiceField(
        label=_("Mottagande socialtjänst"),
        queryset=Organisation.objects.none(),
        empty_label=_("Välj socialtjänst"),
        error_messages={
            "required": _("Välj vilken socialtjänst som ska få uppgifterna."),
            "invalid_choice": _("Välj en socialtjänst i listan."),
        },
    )
    legal_basis = forms.ChoiceField(
        label=_("Rättslig grund"),
        choices=Disclosure.LegalBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj den rättsliga grunden för utlämnandet.")},
    )
    legal_basis_text = forms.CharField(
        label=_("Beskriv den andra grunden"),
        required=False,
        max_length=300,
        help_text=_("Krävs när du väljer ”Annan grund”. Skriv inga personuppgifter här."),
        error_messages={"max_length": _("Högst 300 tecken.")},
    )
    scope = forms.MultipleChoiceField(
        label=_("Uppgifter som lämnas ut"),
        choices=list(SCOPE_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Socialtjänsten ser bara de delar av ärendet som du kryssar i."),
        error_messages={"required": _("Välj minst en del av ärendet som lämnas ut.")},
    )
    consent_given_by = forms.CharField(
        label=_("Samtycke lämnat av"),
        required=False,
        max_length=200,
        help_text=_("T.ex. ”skyddspersonen” eller ”vårdnadshavare”."),
        error_messages={"max_length": _("Högst 200 tecken.")},
    )
    consent_form = forms.ChoiceField(
        label=_("Samtyckets form"),
        required=False,
        choices=Disclosure.ConsentForm.choices,
        widget=forms.RadioSelect,
    )
    consent_date = _date_field(_("Datum för samtycket"), required=False)
    valid_from = _date_field(_("Gäller från"), required=True)
    valid_until = _date_field(
        _("Gäller till och med"),
        required=False,
        help_text=_("Lämna tomt om utlämnandet gäller tills det återkallas."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("valid_from", timezone.localdate())
        kwargs["initial"].setdefault("valid_until", timezone.localdate() + timedelta(days=180))
        kwargs["initial"].setdefault("scope", ["scope_persons", "scope_measures", "scope_plan"])
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.SOCIAL_SERVICES, is_active=True
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        basis = data.get("legal_basis")
        if basis == Disclosure.LegalBasis.OTHER and not data.get("legal_basis_text", "").strip():
            self.add_error("legal_basis_text", _("Beskriv grunden när du väljer ”Annan grund”."))
        if basis == Disclosure.LegalBasis.CONSENT:
            if not data.get("consent_given_by", "").strip():
                self.add_error("consent_given_by", _("Ange vem som lämnade samtycket."))
            if not data.get("consent_form"):
                self.add_error(
                    "consent_form", _("Ange om samtycket var muntligt eller skriftligt.")
                )
            if not data.get("consent_date") and "consent_date" not in self.errors:
                self.add_error("consent_date", _("Ange när samtycket lämnades."))
        consent_date: date | None = data.get("consent_date")
        if consent_date and consent_date > timezone.localdate():
            self.add_error("consent_date", _("Samtycket kan inte vara lämnat i framtiden."))
        valid_from: date | None = data.get("valid_from")
        valid_until: date | None = data.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("Slutdatumet kan inte vara före startdatumet."))
        return data


class WithdrawalForm(forms.Form):
    reason = text_area(
        _("Skäl för återkallelsen"),
        required=True,
        rows=3,
        max_length=300,
        help_text=_("T.ex. ”samtycket återkallat muntligt”. Skriv inga personuppgifter här."),
        error_messages={"required": _("Ange skälet till att utlämnandet återkallas.")},
    )


class BreakGlassForm(forms.Form):
    reason = text_area(
        _("Skäl för att öppna ärendet"),
        required=True,
        rows=4,
        max_length=BREAK_GLASS_REASON_LIMIT,
        error_messages={"required": _("Ange varför du behöver öppna ärendet.")},
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"]
        problem = reason_problem(reason)
        if problem:
            raise forms.ValidationError(problem)
        return reason.strip()


class BreakGlassReviewForm(forms.Form):
    comment = text_area(
        _("Kommentar till granskningen"),
        required=True,
        rows=2,
        max_length=1000,
        help_text=_("T.ex. ”Skälet stämmer med jourrapporten 2026-11-30.”"),
        error_messages={"required": _("Skriv en kommentar till granskningen.")},
    )


class DisclosureHandlersForm(forms.Form):
    handlers = IdMultipleChoiceField(
        label=_("Handläggare som får se ärendet"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bara de handläggare du väljer ser ärendet. Du som chef ser det alltid."),
        error_messages={"invalid_choice": _("Välj bland handläggarna i din organisation.")},
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handlers"].queryset = candidates  # type: ignore[attr-defined]


class _UserChoiceIterator(forms.models.ModelChoiceIterator):
    """The options as (id, ``str(user)``) from one query of three columns: a big unit's
    report offers some 1,500 people, and a model instance per option (through a server-side
    cursor) cost more than the query (issue 16, profiled)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, full_name, email in self.queryset.values_list("pk", "full_name", "email"):
            yield (pk, full_name or email)  # as User.__str__


class _UserChoiceField(forms.ModelChoiceField):
    """A person chosen by id: the same options, value and errors as ModelChoiceField."""

    iterator = _UserChoiceIterator


class AccessReportForm(forms.Form):
    """The unit's access log for a head: by person (or everyone), period and channel."""

    user = _UserChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Alla"),
        widget=LongSelect,
        error_messages={"invalid_choice": _("Välj en person i listan.")},
    )
    date_from = _date_field(_("Från och med"), required=True)
    date_to = _date_field(_("Till och med"), required=True)
    channel = forms.ChoiceField(
        label=_("Kanal"),
        required=False,
        choices=[("", _("Alla")), *AccessLogEntry.Channel.choices],
        error_messages={"invalid_choice": _("Välj en kanal i listan.")},
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Slutdatumet kan inte vara före startdatumet."))
        return data
