"""No input gives a 500 (issue 10): Unicode digits, signs and huge values in the personnummer
parser and the numeric fields answer with a clear Swedish message, never a crash – and the
input never reaches the log."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django import forms as django_forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from cases import personnummer as pnr
from cases.formfields import IdMultipleChoiceField, VersionedForm, parse_id
from cases.forms import PersonForm, PersonnummerSearchForm
from tests.cases.helpers import person_post, valid_personnummer
from tests.cases.test_intake import intake_post

# Digits that are not ASCII but that str.isdigit() (or int()) accepts.
UNICODE_DIGITS = "¹²³⁴⁵⁶⁷⁸⁹⁰٠١٢٣٤٥٦٧٨٩۰۱۲۳０１２３４５６７８９߀߁𝟎𝟏𝟐"
# stdnum turns fullwidth digits into ASCII (a number typed that way is read as typed).
NOT_NORMALISED = UNICODE_DIGITS.translate(str.maketrans("", "", "０１２３４５６７８９"))
NUMBERISH = st.text(alphabet=UNICODE_DIGITS + "0123456789-+ .,−\x00", max_size=20)
SUPERSCRIPT = "197712¹⁷-4056"
MESSAGES = {
    "Ange personnummer eller samordningsnummer med 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN.",
    "Datumet i numret finns inte.",
    "Datumet i numret ligger i framtiden.",
    "Kontrollsiffran stämmer inte. Kontrollera att numret är rätt skrivet.",
    "Numret är ogiltigt.",
}


@settings(max_examples=400, deadline=None)
@given(NUMBERISH | st.text(max_size=30))
def test_the_personnummer_parser_never_crashes(raw: str) -> None:
    try:
        identity = pnr.parse(raw)
    except pnr.InvalidPersonnummer as exc:
        # One of the parser's fixed Swedish sentences: nothing of the input is echoed.
        assert str(exc) in MESSAGES
    else:
        # What is accepted is stored in the one ASCII form.
        assert identity.normalised.isascii() and len(identity.normalised) == 13


@settings(max_examples=200, deadline=None)
@given(
    st.builds(
        lambda prefix, digits: prefix + digits,
        st.sampled_from(["", "19", "20", "-", "+"]),
        st.text(alphabet=NOT_NORMALISED, min_size=8, max_size=12),
    )
)
def test_unicode_digits_are_refused_with_a_swedish_message(raw: str) -> None:
    with pytest.raises(pnr.InvalidPersonnummer) as exc:
        pnr.parse(raw[:-4] + "-" + raw[-4:])
    assert str(exc.value) in MESSAGES


def test_superscript_digits_give_the_format_message() -> None:
    with pytest.raises(pnr.InvalidPersonnummer) as exc:
        pnr.parse(SUPERSCRIPT)
    assert "10 eller 12 siffror" in str(exc.value)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NUMBERISH, st.integers().map(str), st.text(max_size=30)))
def test_parse_id_accepts_only_ascii_ids_in_range(raw: str) -> None:
    value = parse_id(raw)
    if value is not None:
        assert raw.isascii() and raw.isdigit() and 0 < value <= 2**31 - 1


@pytest.mark.django_db
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.one_of(NUMBERISH, st.integers().map(str)))
def test_numeric_form_fields_never_crash(raw: str) -> None:
    """The version (hidden) and a multi-select of ids: invalid means a form error."""

    class Form(VersionedForm):
        users = IdMultipleChoiceField(queryset=User.objects.all(), required=False)

    form = Form({"version": raw, "users": [raw, raw]})
    if not form.is_valid():
        for errors in form.errors.values():
            assert all(isinstance(message, str) and message for message in errors)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9" * 40, "-1", "²", "١٢"])
def test_a_multi_select_refuses_a_value_no_id_can_have(value: str) -> None:
    field = IdMultipleChoiceField(queryset=User.objects.all())
    with pytest.raises(django_forms.ValidationError) as exc:
        field.clean([value])
    assert "giltigt alternativ" in str(exc.value)


@pytest.mark.parametrize("form_class", [PersonForm, PersonnummerSearchForm])
def test_person_forms_refuse_superscripts_in_swedish(form_class: type) -> None:
    data = {**person_post(), "personnummer": SUPERSCRIPT}
    form = form_class(data)
    assert not form.is_valid()
    assert "10 eller 12 siffror" in " ".join(form.errors["personnummer"])


# --- the same through the pages -------------------------------------------------------------


@pytest.fixture
def caplog_all(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.mark.django_db
def test_search_with_superscripts_answers_in_swedish_and_logs_nothing_of_it(
    login, handler, caplog_all
) -> None:
    from django.urls import reverse

    response = login(handler).post(
        reverse("cases:search"), {"kind": "personnummer", "pnr-personnummer": SUPERSCRIPT}
    )
    assert response.status_code == 200
    assert "10 eller 12 siffror" in response.content.decode()
    assert "¹⁷" not in caplog_all.text and "4056" not in caplog_all.text


@pytest.mark.django_db
def test_intake_with_superscripts_keeps_the_input_and_says_why(
    login, handler, unit_a, caplog_all
) -> None:
    from django.urls import reverse

    data = intake_post(unit_a)
    data["skyddsperson-personnummer"] = SUPERSCRIPT
    response = login(handler).post(reverse("cases:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "10 eller 12 siffror" in html and "Hot från släkten (test)" in html
    assert "¹⁷" not in caplog_all.text and "4056" not in caplog_all.text


@pytest.mark.django_db
def test_person_edit_with_superscripts_answers_in_swedish(login, handler, caplog_all) -> None:
    from django.urls import reverse

    from cases.models import Participant
    from tests.factories import make_case

    case = make_case(handler)
    person = case.participants.get(role=Participant.Role.PROTECTED).person
    url = reverse("cases:person_edit", kwargs={"key": case.key, "person_key": person.key})
    data = {"version": person.version, **person_post(personnummer=SUPERSCRIPT)}
    response = login(handler).post(url, data)
    assert response.status_code == 200
    assert "10 eller 12 siffror" in response.content.decode()
    person.refresh_from_db()
    assert person.personnummer != SUPERSCRIPT
    assert "¹⁷" not in caplog_all.text and "4056" not in caplog_all.text


def test_a_valid_number_still_parses() -> None:
    number = valid_personnummer(date(1977, 12, 17))
    assert pnr.parse(number).normalised == number
