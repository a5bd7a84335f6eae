"""What the forms of every area share: the date field, the required-field message, the
text area and the form that carries the version the user loaded (optimistic locking).

Swedish messages, written once: a field left empty says "Fyll i fältet." wherever it is.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

REQUIRED = _("Fyll i fältet.")
PAST_DUE = _("Datumet har redan passerat. Välj dagens datum eller ett senare.")
IN_FUTURE = _("Datumet kan inte ligga i framtiden.")
END_BEFORE_START = _("Slutdatumet kan inte vara före startdatumet.")


# The largest value of a PostgreSQL integer (and of our primary keys): a bigger number in a
# URL is not an id of anything, and on SQLite it overflows the driver.
MAX_ID = 2**31 - 1


def parse_id(raw: str | None) -> int | None:
    """An id from a query parameter: ASCII digits within MAX_ID, otherwise None.

    ``str.isdigit()`` accepts superscripts (``²``) that ``int()`` refuses, and ``int()``
    accepts Arabic-Indic and fullwidth digits: neither is an id typed by our pages."""
    if not raw or len(raw) > 10 or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multi-select of rows by id that refuses a value no id can have before it reaches
    the database: on SQLite a number above 64 bits raises OverflowError (a 500) in the
    ``pk__in`` lookup that Django makes of the choices."""

    def _check_values(self, value: Any) -> Any:
        key = self.to_field_name or "pk"
        if key == "pk":
            for raw in value:
                if parse_id(str(raw)) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(raw)[:20]},
                    )
        return super()._check_values(value)  # type: ignore[misc]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = False, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={"required": REQUIRED, "invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")},
        **kwargs,
    )


def text_area(label: Any, *, required: bool = False, rows: int = 3, **kwargs: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": REQUIRED},
        **kwargs,
    )


class VersionedForm(forms.Form):
    """Carries the version the user loaded (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def expected_version(self) -> int | None:
        value: int | None = self.cleaned_data.get("version")
        return value

    def cleaned_data_without_version(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
