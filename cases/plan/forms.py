"""Forms of the joint protection plan. Which texts a party may write: services.EDITABLE_BY."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.plan.services import EDITABLE_BY

MAX_TEXT = 10_000

_TEXT_ERRORS = {
    "max_length": _("Texten får vara högst %(limit_value)d tecken (nu %(show_value)d)."),
}

# Field name -> (label, help text), in section order.
TEXT_FIELDS: dict[str, tuple[Any, Any]] = {
    "introduction": (
        _("1 Inledning"),
        _("Vem planen gäller och varför. Berörda personer (1.1) fylls i från ärendet."),
    ),
    "threat_text": (
        _("2 Övergripande beskrivning och hotbild"),
        _(
            "Metod och bedömda nivåer hämtas från de senaste slutförda hot- och "
            "riskbedömningarna. Skriv här det som behöver läggas till."
        ),
    ),
    "measures_text": (
        _("3 Säkerhetshöjande åtgärder"),
        _("Planerade och pågående åtgärder hämtas från ärendet."),
    ),
    "police_commitments": (_("Polismyndigheten åtar sig att"), ""),
    "social_commitments": (_("Socialtjänsten åtar sig att"), ""),
    "follow_up_text": (
        _("5 Uppföljning av ärendet"),
        _("Öppna uppföljningar hämtas från ärendet. Beskriv hur och när ärendet följs upp."),
    ),
}


def _normalise(text: str) -> str:
    # Browsers send CRLF; store LF so that an unchanged text compares equal.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class PlanTextForm(forms.Form):
    """The texts one party may write, plus the version the writer started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, party: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            if name not in EDITABLE_BY[party]:
                continue
            label, help_text = TEXT_FIELDS[name]
            self.fields[name] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                max_length=MAX_TEXT,
                error_messages=_TEXT_ERRORS,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    @property
    def text_names(self) -> list[str]:
        return [name for name in TEXT_FIELDS if name in self.fields]

    def texts(self) -> dict[str, str]:
        return {name: _normalise(self.cleaned_data[name]) for name in self.text_names}


class ConfirmForm(forms.Form):
    """Confirms the content the user saw: the plan's version when the page was shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
