"""Personnummer and samordningsnummer: validation and the one stored form.

python-stdnum (``stdnum.se.personnummer``) checks the format, the birth date and the Luhn
check digit of a personnummer, and turns 10 digits into a full year (a ``+`` separator means
"100 years or older"). It does not know samordningsnummer – the same number with 60 added to
the day – and rejects them as an impossible date. We therefore let stdnum parse the number
with the day moved back by 60, and run the Luhn check on the digits as written.

Everything is stored normalised as ``YYYYMMDD-NNNN`` (12 digits, samordningsnummer with the
day as issued) so that the keyed hash used for exact search is the same however the number
was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.se import personnummer as stdnum_personnummer

SAMORDNING_DAY_OFFSET = 60
_FORMAT = re.compile(r"(?:[0-9]{2})?[0-9]{6}[-+][0-9]{4}", re.ASCII)


class InvalidPersonnummer(ValueError):
    """Carries a Swedish message meant for the form field."""


@dataclass(frozen=True)
class Identity:
    normalised: str  # YYYYMMDD-NNNN
    birth_date: date
    is_samordningsnummer: bool


def parse(raw: str) -> Identity:
    """Validate a personnummer or samordningsnummer (10 or 12 digits, with or without
    separator). Raises InvalidPersonnummer with a Swedish message."""
    compact = stdnum_personnummer.compact(raw or "")
    # ASCII digits only: str.isdigit() also accepts superscripts ("197712¹⁷-4056"), which
    # int() then refuses, and int() accepts Arabic-Indic and fullwidth digits.
    if not _FORMAT.fullmatch(compact):
        raise InvalidPersonnummer(
            _(
                "Ange personnummer eller samordningsnummer med 10 eller 12 siffror, "
                "t.ex. ÅÅÅÅMMDD-NNNN."
            )
        )
    day_at = -7  # position of the day's two digits, counted from the end (…DD-NNNN)
    day = int(compact[day_at : day_at + 2])
    samordning = day > SAMORDNING_DAY_OFFSET
    as_birth = compact
    if samordning:
        real_day = day - SAMORDNING_DAY_OFFSET
        as_birth = f"{compact[:day_at]}{real_day:02d}{compact[day_at + 2 :]}"
    try:
        birth = stdnum_personnummer.get_birth_date(as_birth)
    except (InvalidComponent, ValueError) as exc:
        raise InvalidPersonnummer(_("Datumet i numret finns inte.")) from exc
    if birth > timezone.localdate():
        raise InvalidPersonnummer(_("Datumet i numret ligger i framtiden."))
    digits = compact[:-5] + compact[-4:]
    try:
        luhn.validate(digits[-10:])
    except InvalidChecksum as exc:
        raise InvalidPersonnummer(
            _("Kontrollsiffran stämmer inte. Kontrollera att numret är rätt skrivet.")
        ) from exc
    except ValidationError as exc:  # pragma: no cover - the format is checked above
        raise InvalidPersonnummer(_("Numret är ogiltigt.")) from exc
    shown_day = day if samordning else birth.day
    normalised = f"{birth.year:04d}{birth.month:02d}{shown_day:02d}-{compact[-4:]}"
    return Identity(normalised, birth, samordning)


def normalise(raw: str) -> str:
    """The stored form, or InvalidPersonnummer."""
    return parse(raw).normalised
