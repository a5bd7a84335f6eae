"""The shared form module and the one add/edit page skeleton (cases.formfields,
cases.formpage): used by every app, so one rule and one message everywhere."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory

from cases import formfields
from cases.errors import CaseClosed, Conflict
from cases.formpage import form_page

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "alarms", "cases", "notifications", "riskassessment", "skydd", "stats")


class Edit(formfields.VersionedForm):
    when = formfields.date_field("När", required=True)
    note = forms.CharField(required=False)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Fyll i fältet."),
        ("5/10/2026", "Ange datumet som ÅÅÅÅ-MM-DD."),
        ("0202-03-01", "Ange ett år mellan 1900 och 2100."),
        ("2101-01-01", "Ange ett år mellan 1900 och 2100."),
    ],
)
def test_date_field_refuses_with_one_swedish_message(typed: str, error: str) -> None:
    form = Edit({"when": typed})
    assert not form.is_valid()
    assert form.errors["when"] == [error]


@pytest.mark.parametrize("typed", ["1900-01-01", "2026-12-01", "2100-12-31"])
def test_date_field_accepts_years_within_bounds(typed: str) -> None:
    form = Edit({"when": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == date.fromisoformat(typed)


def _local_date_fields() -> list[str]:
    """Every ``forms.DateField(`` / ``DateInput`` class written outside cases/formfields.py."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "cases" / "formfields.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and any(
                    ast.unparse(base).endswith("DateInput") for base in node.bases
                ):
                    found.append(f"{path.relative_to(ROOT)}: class {node.name}")
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "forms.DateField":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: forms.DateField")
    return found


def test_no_app_keeps_its_own_date_field() -> None:
    assert _local_date_fields() == []


def _date_fields_of_every_form() -> list[tuple[str, forms.DateField]]:
    """(form.field, field) for every date field of every form in the apps' form modules."""
    import importlib
    import inspect

    found: list[tuple[str, forms.DateField]] = []
    for path in sorted(ROOT.glob("*/**/forms.py")):
        if path.parts[len(ROOT.parts)] not in APPS:
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                for field_name, field in getattr(cls, "base_fields", {}).items():
                    if isinstance(field, forms.DateField):
                        found.append((f"{module.__name__}.{name}.{field_name}", field))
    return found


def test_every_date_field_is_the_one_text_input_with_the_format_shown() -> None:
    fields = _date_fields_of_every_form()
    names = {name for name, _field in fields}
    # The forms the issue named: intake, alarms, statistics period, access-log filter.
    assert {
        "cases.forms.PersonForm.date_of_birth",
        "alarms.forms.LendForm.started_on",
        "stats.forms.StatisticsForm.start",
        "cases.sharing.forms.AccessReportForm.date_from",
    } <= names, sorted(names)
    wrong = []
    for name, field in fields:
        html = field.widget.render("d", date(2026, 3, 4))
        if not (
            isinstance(field.widget, formfields.TextDateInput)
            and 'type="text"' in html
            and 'inputmode="numeric"' in html
            and 'autocomplete="off"' in html
            and 'placeholder="ÅÅÅÅ-MM-DD"' in html
            and 'value="2026-03-04"' in html
            and str(field.help_text).startswith("ÅÅÅÅ-MM-DD")
            and field.input_formats == ["%Y-%m-%d"]
        ):
            wrong.append(name)
    assert wrong == []


def test_help_text_follows_the_format() -> None:
    field = formfields.date_field("När", help_text="Lämna tomt om okänt.")
    assert str(field.help_text) == "ÅÅÅÅ-MM-DD. Lämna tomt om okänt."
    assert str(formfields.date_field("När").help_text) == "ÅÅÅÅ-MM-DD"


def test_no_template_has_a_native_date_input() -> None:
    found = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        and "node_modules" not in path.parts
        and (
            'type="date"' in path.read_text(encoding="utf-8")
            or "type=date" in path.read_text(encoding="utf-8")
        )
    ]
    assert found == []


def _page(data: dict[str, str] | None, *, save, reload=None, closed=None) -> HttpResponse:
    factory = RequestFactory()
    request = factory.post("/", data) if data is not None else factory.get("/")
    request._messages = _Messages()  # type: ignore[attr-defined]
    shown: list[tuple[Edit, object]] = []

    def show(form: Edit, current: object) -> HttpResponse:
        shown.append((form, current))
        return HttpResponse(status=200)

    response = form_page(
        request,
        make_form=lambda posted: Edit(posted, initial={"when": date(2026, 1, 2), "version": 3}),
        save=save,
        show=show,
        done=lambda result: HttpResponse(f"saved {result}", status=201),
        reload=reload,
        closed=closed,
    )
    response.shown = shown  # type: ignore[attr-defined]
    return response


class _Messages(list):
    def add(self, level: int, message: str, extra_tags: str = "") -> None:
        self.append(message)


def test_get_shows_the_form_with_what_is_saved() -> None:
    response = _page(None, save=lambda form: pytest.fail("GET must not save"))
    ((form, current),) = response.shown  # type: ignore[attr-defined]
    assert not form.is_bound and form.initial["version"] == 3 and current is None


def test_invalid_post_does_not_save_and_keeps_what_was_typed() -> None:
    response = _page({"when": "igår", "note": "text"}, save=lambda f: pytest.fail("saved"))
    ((form, _current),) = response.shown  # type: ignore[attr-defined]
    assert form["note"].value() == "text" and "when" in form.errors


def test_valid_post_saves_with_the_loaded_version_and_answers_done() -> None:
    seen = []

    def save(form: Edit) -> str:
        seen.append(form.expected_version())
        return "ok"

    response = _page({"when": "2026-02-03", "version": "3"}, save=save)
    assert seen == [3] and response.status_code == 201 and response.content == b"saved ok"


class _Saved:
    version = 7
    note = "saved now"


def test_conflict_shows_what_was_typed_with_the_saved_version_beside_the_saved_row() -> None:
    def save(form: Edit) -> None:
        raise Conflict()

    response = _page(
        {"when": "2026-02-03", "note": "mine", "version": "3"},
        save=save,
        reload=lambda exc: _Saved(),
    )
    ((form, current),) = response.shown  # type: ignore[attr-defined]
    assert isinstance(current, _Saved)
    assert form["note"].value() == "mine"
    assert form.data["version"] == "7"  # saving again is a deliberate overwrite
    assert str(formfields.CONFLICT) in form.non_field_errors()


def test_conflict_without_reload_and_closed_case_without_answer_reach_the_middleware() -> None:
    def conflict(form: Edit) -> None:
        raise Conflict()

    def closed(form: Edit) -> None:
        raise CaseClosed()

    with pytest.raises(Conflict):
        _page({"when": "2026-02-03", "version": "3"}, save=conflict)
    with pytest.raises(CaseClosed):
        _page({"when": "2026-02-03", "version": "3"}, save=closed)
    answered = _page(
        {"when": "2026-02-03", "version": "3"},
        save=closed,
        closed=lambda: HttpResponse(status=302),
    )
    assert answered.status_code == 302
