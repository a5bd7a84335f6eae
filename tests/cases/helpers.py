"""Small helpers shared by the case tests."""

from __future__ import annotations

from datetime import date

from stdnum import luhn


def valid_personnummer(born: date, serial: str = "982") -> str:
    """A made-up personnummer with a correct check digit (YYYYMMDD-NNNN)."""
    check = luhn.calc_check_digit(born.strftime("%y%m%d") + serial)
    return f"{born:%Y%m%d}-{serial}{check}"


def samordningsnummer(born: date, serial: str = "982") -> str:
    day = born.day + 60
    short = f"{born:%y%m}{day:02d}"
    check = luhn.calc_check_digit(short + serial)
    return f"{born:%Y%m}{day:02d}-{serial}{check}"


def person_post(prefix: str = "", **overrides: str) -> dict[str, str]:
    """POST data for a PersonForm (every field filled), optionally with a form prefix."""
    data = {
        "first_name": "Maja",
        "last_name": "Testsson",
        "personnummer": "",
        "date_of_birth": "1990-05-17",
        "phone": "070-111 22 33",
        "street_address": "Hemliggatan 7",
        "postal_code": "731 30",
        "city": "Köping",
        "protection": "none",
    }
    data.update(overrides)
    return {f"{prefix}-{k}" if prefix else k: v for k, v in data.items()}
