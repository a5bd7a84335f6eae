"""Personnummer and samordningsnummer: validated with python-stdnum, stored as YYYYMMDD-NNNN."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from cases import personnummer as pnr
from cases.forms import PersonForm
from tests.cases.helpers import person_post, samordningsnummer, valid_personnummer


@pytest.mark.parametrize(
    "typed",
    ["19121212-1212", "191212121212", "121212+1212", " 19121212 1212 ", "1912121212:12"],
)
def test_ten_and_twelve_digits_normalise_to_the_same_form(typed: str) -> None:
    assert pnr.normalise(typed) == "19121212-1212"


def test_ten_digits_without_plus_get_the_most_recent_century() -> None:
    with time_machine.travel(date(2026, 3, 1)):
        assert pnr.normalise("121212-1212") == "20121212-1212"
        assert pnr.normalise("8803200016") == "19880320-0016"


def test_samordningsnummer_day_plus_sixty_is_valid_and_kept_as_issued() -> None:
    number = samordningsnummer(date(1970, 10, 3))
    identity = pnr.parse(number)
    assert identity.is_samordningsnummer
    assert identity.birth_date == date(1970, 10, 3)
    assert identity.normalised == number
    assert pnr.parse(number[2:]).normalised == number  # 10 digits too


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("19880320-0018", "Kontrollsiffran stämmer inte"),
        ("19880230-0000", "Datumet i numret finns inte"),
        ("19881301-0000", "Datumet i numret finns inte"),
        ("19880392-0000", "Datumet i numret finns inte"),  # day 32 as samordningsnummer
        ("abc", "10 eller 12 siffror"),
        ("1988032000161", "10 eller 12 siffror"),
        ("8803200", "10 eller 12 siffror"),
    ],
)
def test_bad_numbers_get_a_swedish_message(typed: str, message: str) -> None:
    with pytest.raises(pnr.InvalidPersonnummer, match=message):
        pnr.parse(typed)


def test_a_future_birth_date_is_refused() -> None:
    with (
        time_machine.travel(date(2026, 3, 1)),
        pytest.raises(pnr.InvalidPersonnummer, match="framtiden"),
    ):
        pnr.parse(valid_personnummer(date(2026, 12, 1)))


def test_form_shows_the_error_next_to_the_field_and_keeps_everything_typed(db) -> None:
    data = person_post(personnummer="19880320-0018", street_address="Lönngatan 3")
    form = PersonForm(data)
    assert not form.is_valid()
    assert list(form.errors) == ["personnummer"]
    assert "Kontrollsiffran stämmer inte" in form.errors["personnummer"][0]
    html = str(form["street_address"]) + str(form["first_name"]) + str(form["personnummer"])
    assert "Lönngatan 3" in html and "Maja" in html and "19880320-0018" in html


def test_form_derives_the_birth_date_and_rejects_a_contradiction(db) -> None:
    number = valid_personnummer(date(1985, 2, 3))
    form = PersonForm(person_post(personnummer=number[2:], date_of_birth=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["personnummer"] == number
    assert form.cleaned_data["date_of_birth"] == date(1985, 2, 3)

    form = PersonForm(person_post(personnummer=number, date_of_birth="1985-02-04"))
    assert not form.is_valid()
    assert "stämmer inte med personnumret" in form.errors["date_of_birth"][0]


def test_form_without_number_takes_a_date_of_birth_but_not_in_the_future(db) -> None:
    assert PersonForm(person_post(date_of_birth="")).is_valid()
    form = PersonForm(person_post(date_of_birth="2099-01-01"))
    assert not form.is_valid() and "framtiden" in form.errors["date_of_birth"][0]
    form = PersonForm(person_post(date_of_birth="17/05/1990"))
    assert "ÅÅÅÅ-MM-DD" in form.errors["date_of_birth"][0]
