"""The note fields of the measure and follow-up forms (issue 10): a police note is
police-internal unless its author ticks "Delad med socialtjänsten"; social services write
shared notes and never see a police-internal one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def note_shared_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Delad med socialtjänsten"),
        required=False,
        help_text=_(
            "Utan bocken är anteckningen polisintern. Socialtjänstens egna anteckningar "
            "är alltid delade."
        ),
    )


def note_fields(form: forms.Form, *, police: bool, note_visible: bool) -> None:
    """Only the police choose whether a note is shared (what social services write is
    shared); a police-internal note is not in a social-services form at all."""
    if not police:
        del form.fields["note_shared"]
    if not note_visible:
        del form.fields["note"]
