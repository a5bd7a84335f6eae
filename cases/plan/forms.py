"""Forms of the joint protection plan. Which texts a party may write: services.EDITABLE_BY."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.formfields import version_field
from cases.models.plan import PLAN_TEXT_LIMIT
from cases.plan.services import EDITABLE_BY

MAX_TEXT = PLAN_TEXT_LIMIT

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


def normalise(text: str) -> str:
    # Browsers send CRLF; store LF so that an unchanged text compares equal.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def digest(text: str) -> str:
    """Fingerprint of a text as loaded into the form, to tell after a conflict which fields
    the writer changed and which someone else changed."""
    return hashlib.sha256(normalise(text).encode()).hexdigest()[:32]


def loaded_name(name: str) -> str:
    return f"{name}_loaded"


class PlanTextForm(forms.Form):
    """The texts one party may write, plus the version the writer started from and a
    fingerprint of each text as it was loaded."""

    version = version_field(required=True)

    @classmethod
    def initial_for(cls, texts: dict[str, str], version: int) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": version, **texts}
        initial.update({loaded_name(name): digest(text) for name, text in texts.items()})
        return initial

    def __init__(self, *args: Any, party: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            if name not in EDITABLE_BY[party]:
                continue
            self.fields[loaded_name(name)] = forms.CharField(
                required=False, max_length=64, widget=forms.HiddenInput
            )
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
        return {name: normalise(self.cleaned_data[name]) for name in self.text_names}

    def rebase(self, saved: dict[str, str], version: int) -> tuple[dict[str, Any], list[str]]:
        """After a conflict: the form data to show again, and the fields both people changed.

        A text only the other person changed is replaced by the saved one (so saving again
        cannot undo their change); a text only this writer changed is kept; where both
        changed, this writer's text is kept and the caller shows the saved one beside it.
        The loaded fingerprints move on to the saved texts, so that saving again after
        comparing is a decision, not an accident.
        """
        data: dict[str, Any] = {"version": version}
        both_changed = []
        for name, typed in self.texts().items():
            loaded = self.cleaned_data.get(loaded_name(name)) or ""
            mine = digest(typed) != loaded
            theirs = digest(saved[name]) != loaded
            if not mine:
                data[name] = saved[name]
            else:
                data[name] = typed
                if theirs and typed != saved[name]:
                    both_changed.append(name)
            data[loaded_name(name)] = digest(saved[name])
        return data, both_changed


class ConfirmForm(forms.Form):
    """Confirms the content the user saw: the plan's version when the page was shown."""

    version = version_field(required=True)
