"""What the forms of every app share: the date field (ÅÅÅÅ-MM-DD, a year within sensible
bounds), the required-field message, the text area, the form that carries the version the
user loaded (optimistic locking) and the edit-conflict form.

Swedish messages, written once: a field left empty says "Fyll i fältet." wherever it is, a
date typed wrongly "Ange datumet som ÅÅÅÅ-MM-DD.". A field may name what is missing more
precisely (``required_message``). Every app imports this module (it is not a ``forms``
module of ``cases``, so the import rules allow it); none keeps a copy of its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import date
from html import escape
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

REQUIRED = _("Fyll i fältet.")
INVALID_DATE = _("Ange datumet som ÅÅÅÅ-MM-DD.")
PAST_DUE = _("Datumet har redan passerat. Välj dagens datum eller ett senare.")
IN_FUTURE = _("Datumet kan inte ligga i framtiden.")
END_BEFORE_START = _("Slutdatumet kan inte vara före startdatumet.")
CONFLICT = _(
    "Någon annan har sparat ändringar medan du redigerade. Dina ändringar är INTE sparade, "
    "men allt du skrev finns kvar nedan. Jämför med det som är sparat nu och spara igen "
    "om dina uppgifter ska gälla."
)

DATE_FORMAT = "%Y-%m-%d"
# A year outside these bounds is a typing error (0202 for 2022, 20222 for 2022), never a date
# of this register: birth dates start in 1900, decisions and follow-ups end by 2100.
MIN_YEAR = 1900
MAX_YEAR = 2100
YEAR_OUT_OF_BOUNDS = _("Ange ett år mellan %(min)s och %(max)s.")


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


# The format as shown to the user: in the help text of every date field and as placeholder.
DATE_HINT = _("ÅÅÅÅ-MM-DD")


class TextDateInput(forms.DateInput):
    """The one date input of the app: a text field typed as ÅÅÅÅ-MM-DD in every browser and
    language. A native date input shows the browser's locale format (MM/DD/YYYY on an English
    system) and a picker that differs between browsers, so none is used."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "inputmode": "numeric",
            "maxlength": "10",
            "autocomplete": "off",
            "placeholder": DATE_HINT,
        }
        super().__init__(attrs={**base, **(attrs or {})}, format=DATE_FORMAT)


def date_help(help_text: Any = "") -> Any:
    """The field's help text, always starting with the format (ÅÅÅÅ-MM-DD)."""
    return format_lazy("{}. {}", DATE_HINT, help_text) if help_text else DATE_HINT


def year_in_bounds(value: date | None) -> None:
    """Refuse a date whose year is outside ``MIN_YEAR``–``MAX_YEAR``."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            YEAR_OUT_OF_BOUNDS, code="year", params={"min": MIN_YEAR, "max": MAX_YEAR}
        )


def date_field(
    label: Any,
    *,
    required: bool = False,
    required_message: Any = None,
    widget: forms.Widget | None = None,
    **kwargs: Any,
) -> forms.DateField:
    """A date typed as ÅÅÅÅ-MM-DD with a year within sensible bounds (see ``MIN_YEAR``), in
    the app's one date input (``TextDateInput``) with the format shown in the help text
    (``help_text`` is what follows it)."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=[DATE_FORMAT],
        widget=widget or TextDateInput(),
        help_text=date_help(kwargs.pop("help_text", "")),
        validators=[year_in_bounds, *kwargs.pop("validators", [])],
        error_messages={"required": required_message or REQUIRED, "invalid": INVALID_DATE},
        **kwargs,
    )


# Free text: every text area has a limit, shown under the field and checked with a Swedish
# message (issue 10: a 2.4 MB note was accepted and rendered on every read). A page of text
# is far below it; the request-body limit (DATA_UPLOAD_MAX_MEMORY_SIZE) is far above.
TEXT_LIMIT = 5_000
SHORT_TEXT_LIMIT = 1_000
TOO_LONG = _("Texten får vara högst %(limit_value)s tecken. Nu är den %(show_value)s tecken.")


def limit_text(limit: int) -> str:
    """ "Högst 5 000 tecken." (Swedish thousands separator: a no-break space)."""
    return str(_("Högst %(limit)s tecken.")) % {"limit": f"{limit:,}".replace(",", "\u00a0")}


def text_limits(max_length: int = TEXT_LIMIT, help_text: Any = "") -> dict[str, Any]:
    """The keyword arguments that give a free-text ``CharField`` its limit and say so."""
    shown = f"{help_text} {limit_text(max_length)}" if help_text else limit_text(max_length)
    return {
        "max_length": max_length,
        "help_text": shown,
        "error_messages": {"required": REQUIRED, "max_length": TOO_LONG},
    }


def text_area(
    label: Any,
    *,
    required: bool = False,
    rows: int = 3,
    max_length: int = TEXT_LIMIT,
    help_text: Any = "",
    widget_attrs: dict[str, Any] | None = None,
    **kwargs: Any,
) -> forms.Field:
    limits = text_limits(max_length, help_text)
    limits["error_messages"].update(kwargs.pop("error_messages", {}))
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows, **(widget_attrs or {})}),
        **limits,
        **kwargs,
    )


def version_field(*, required: bool = False) -> forms.IntegerField:
    """The row version the user loaded; compared on save (optimistic locking)."""
    if required:
        return forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionedForm(forms.Form):
    """Carries the version the user loaded (optimistic locking)."""

    version = version_field()

    def expected_version(self) -> int | None:
        value: int | None = self.cleaned_data.get("version")
        return value

    def cleaned_data_without_version(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def conflict_form[F: forms.BaseForm](
    make_form: Callable[[Any], F],
    request: HttpRequest,
    version: int,
    *,
    prefix: str | None = None,
    message: Any = CONFLICT,
) -> F:
    """The user's form again, as typed, now carrying the saved version: a second save is a
    deliberate overwrite, made after seeing what the other person saved.

    ``make_form(data)`` builds the page's form from posted data (with its choices)."""
    data = request.POST.copy()
    data[f"{prefix}-version" if prefix else "version"] = str(version)
    form = make_form(data)
    form.is_valid()
    form.add_error(None, message)
    return form


class FlatChoices(BaseChoiceIterator):
    """Choices that are already flat (value, label) pairs, built per form (a big unit's 400
    handlers in the case list's "Ansvarig"): Django leaves a choice iterator as it is, where
    it normalises a list pair by pair, once for the field and again for its widget (1.3 ms
    of a list page, issue 16)."""

    def __init__(self, pairs: list[tuple[Any, Any]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.pairs)


class LongSelect(forms.Select):
    """A select of many options (a big unit's 400 handlers in the case list's "Ansvarig"),
    written in Python: Django renders one template include per option, and even its
    per-option contexts cost more than the rows of the page (issue 16, profiled). The same
    HTML as Django's (a test compares them). The options' escaped HTML is kept per list of
    choices (``_options``), so a page that shows the same 400 names as the page before
    only marks the chosen one."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        options, places = _options(_choices_key(self.choices))
        # Where " selected" goes, in the document's order: the first chosen option only,
        # unless several may be chosen (Django's rule).
        marks = sorted(at for text in set(self.format_value(value)) for at in places.get(text, ()))
        if not self.allow_multiple_selected:
            marks = marks[:1]
        parts, done = [], 0
        for at in marks:
            parts += [options[done:at], " selected"]
            done = at
        parts.append(options[done:])
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        # Every value and label went through html.escape (_options).
        html = mark_safe("".join(parts))  # noqa: S308
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), html)


Choices = tuple[tuple[str | None, tuple[tuple[str, str], ...]], ...]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _choices_key(choices: Any) -> Choices:
    """The choices as text, in the language of the request (a lazy label is translated
    here): groups of (value, label), a group without a name for options outside one."""
    # Iterated, not list(): a ModelChoiceIterator would first count its queryset for len().
    pairs = [pair for pair in choices]
    labels = [label for _value, label in pairs]
    # (a tuple of types: isinstance with `list | tuple` took half of this for 400 names)
    if not any(isinstance(label, (list, tuple)) for label in labels):  # no groups
        values = ["" if v is None else str(v) for v, _label in pairs]
        return ((None, tuple(zip(values, map(str, labels), strict=True))),)
    key: list[tuple[str | None, tuple[tuple[str, str], ...]]] = []
    loose: list[tuple[str, str]] = []
    for value, label in pairs:
        if isinstance(label, list | tuple):
            if loose:
                key.append((None, tuple(loose)))
                loose = []
            key.append((str(value), tuple((_text(v), str(lab)) for v, lab in label)))
        else:
            loose.append((_text(value), str(label)))
    if loose:
        key.append((None, tuple(loose)))
    return tuple(key)


@functools.lru_cache(maxsize=8192)
def _option(text: str, label: str) -> tuple[str, str]:
    """One option's HTML up to where " selected" goes, and whole. Kept apart from the lists:
    the case page's "Tilldela" select is the unit's handlers without the case's own, another
    list on nearly every case, of the same escaped options (issue 16)."""
    start = f'<option value="{escape(text)}"'
    return start, f"{start}>{escape(label)}</option>"


@functools.lru_cache(maxsize=64)
def _options(choices: Choices) -> tuple[str, dict[str, tuple[int, ...]]]:
    """The options' HTML with none selected, and per option value (as text) the offsets
    where " selected" goes, in order. Keyed by the choices' text, so a changed name or
    another language is another entry; a page then only cuts the chosen option in."""
    parts: list[str] = []
    places: dict[str, list[int]] = {}
    size = 0
    for group, options in choices:
        if group is not None:
            parts.append(f'<optgroup label="{escape(group)}">')
            size += len(parts[-1])
        for text, label in options:
            start, whole = _option(text, label)
            places.setdefault(text, []).append(size + len(start))
            parts.append(whole)
            size += len(whole)
        if group is not None:
            parts.append("</optgroup>")
            size += len(parts[-1])
    return "".join(parts), {text: tuple(at) for text, at in places.items()}


def _attrs_html(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: False leaves an attribute out, True writes its name alone."""
    return "".join(
        f" {escape(str(name))}" if value is True else f' {escape(str(name))}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickInput(forms.widgets.Input):
    """An input written in Python, as Django's ``input.html`` writes it: the search and
    filter forms on every list page render their fields through three nested templates each,
    a tenth of the page (issue 16, profiled). The context is Django's own (``get_context``),
    so ``checked``, ``maxlength`` and the ARIA attributes come out as before; a test compares
    the HTML with Django's."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        value_html = "" if shown is None else f' value="{escape(str(shown))}"'
        # Every part above went through html.escape.
        return mark_safe(  # noqa: S308
            f'<input type="{escape(str(widget["type"]))}" name="{escape(str(widget["name"]))}"'
            f"{value_html}{_attrs_html(widget['attrs'])}>"
        )


# Named so that BoundField.widget_type stays "text" and "checkbox", which templates test.
class TextWidget(QuickInput, forms.TextInput):
    pass


class CheckboxWidget(QuickInput, forms.CheckboxInput):
    pass
