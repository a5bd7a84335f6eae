"""Issue 10, item 10: every free-text field has a length limit, shown to the user, with a
Swedish message; dates stay within sensible years."""

from __future__ import annotations

import inspect
from importlib import import_module

import pytest
from django import forms
from django.urls import reverse

from cases.formfields import TEXT_LIMIT
from cases.models import JournalEntry
from tests.factories import make_case

FORM_MODULES = (
    "accounts.forms",
    "cases.forms",
    "cases.casework.forms",
    "cases.plan.forms",
    "cases.sharing.forms",
    "riskassessment.forms",
    "alarms.forms",
    "notifications.forms",
    "stats.forms",
)


def _unlimited(form_fields: dict[str, forms.Field]) -> list[str]:
    return [
        name
        for name, field in form_fields.items()
        if type(field) is forms.CharField
        and not field.widget.is_hidden
        and not isinstance(field.widget, forms.PasswordInput)
        and not field.max_length
    ]


def test_every_declared_text_field_of_every_form_has_a_limit() -> None:
    missing = []
    for module_name in FORM_MODULES:
        module = import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                missing += [f"{module_name}.{name}.{f}" for f in _unlimited(cls.base_fields)]
    assert missing == []


def test_every_text_area_shows_its_limit() -> None:
    unshown = []
    for module_name in FORM_MODULES:
        module = import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                for field_name, field in cls.base_fields.items():
                    if isinstance(field.widget, forms.Textarea) and "tecken" not in str(
                        field.help_text
                    ):
                        unshown.append(f"{module_name}.{name}.{field_name}")
    # The plan's texts say their limit in the page itself (cases/plan/forms.py MAX_TEXT).
    assert unshown == []


@pytest.mark.django_db
def test_the_dynamic_fields_of_the_assessment_and_plan_forms_have_limits() -> None:
    from cases.models import Party
    from cases.plan.forms import PlanTextForm
    from riskassessment import services
    from riskassessment.forms import AssessmentForm
    from riskassessment.models import Instrument

    for instrument in Instrument.objects.filter(active=True):
        form = AssessmentForm(structure=services.load_structure(instrument))
        assert _unlimited(form.fields) == [], instrument.code
    for party in Party.values:
        assert _unlimited(PlanTextForm(party=party).fields) == []


@pytest.mark.django_db
def test_a_journal_note_over_the_limit_is_refused_in_swedish_and_kept(login, handler) -> None:
    case = make_case(handler)
    url = reverse("cases:journal_add", kwargs={"key": case.key})
    client = login(handler)
    page = client.get(url).content.decode()
    assert "Högst 5\u00a0000 tecken." in page and f'maxlength="{TEXT_LIMIT}"' in page
    long_text = "SNTLLONG" + "x" * TEXT_LIMIT
    response = client.post(
        url, {"occurred_on": "2026-01-05", "visibility": "police", "text": long_text}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Texten får vara högst 5000 tecken. Nu är den 5008 tecken." in html
    assert long_text in html  # nothing typed is lost
    assert not JournalEntry.objects.filter(case=case, kind="note").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_date_outside_sensible_years_is_refused(login, handler, day) -> None:
    case = make_case(handler)
    url = reverse("cases:journal_add", kwargs={"key": case.key})
    response = login(handler).post(url, {"occurred_on": day, "visibility": "police", "text": "x"})
    assert response.status_code == 200
    assert "Ange ett år mellan 1900 och 2100." in response.content.decode()
    assert not JournalEntry.objects.filter(case=case, kind="note").exists()
