"""The case-work page and protective measures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import user_for_request
from cases.access import CaseAccess
from cases.casework import forms, services
from cases.casework.services import (
    CaseClosedError,
    CaseworkPermissionError,
    ConflictError,
)
from cases.casework.views.common import (
    GET_POST,
    _case_url,
    _closed,
    _ensure,
    _render_form,
    _saved_rows,
    _sections,
)
from cases.formpage import form_page, saved
from cases.models import ProtectiveMeasure
from cases.viewutils import with_case

# --- the case's case-work page -----------------------------------------------------------------


@login_required
@require_GET
@with_case(what="ärendearbete")
def casework_page(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    """Everything at once: measures, bans with breaches, all follow-ups (done ones too),
    support information and the closing history. A fixed number of queries."""
    _ensure(services.shows_casework(case_access))
    from cases.casework.panels import panel_context

    context = {
        "panel": panel_context(case_access, full=True),
        "access": case_access,
        "case": case_access.case,
    }
    return render(request, "cases/casework/casework_page.html", context)


# --- measures ----------------------------------------------------------------------------------

MEASURE_FIELDS = ["kind", "responsible_party", "status", "start_date", "end_date", "note"]
MEASURE_FORM_FIELDS = [*MEASURE_FIELDS, "note_shared", "statement_date", "statement_text"]


def _measure_sections(form: forms.MeasureForm) -> list[dict[str, Any]]:
    main = ["kind", "responsible_party", "status", "start_date", "end_date", "note", "note_shared"]
    return _sections(
        form,
        (None, [name for name in main if name in form.fields]),
        (
            _("Skyddade personuppgifter: utlåtande till Skatteverket"),
            ["statement_date", "statement_text"],
        ),
    )


def _measure_values(form: forms.MeasureForm) -> dict[str, Any]:
    """What the form holds: a social-services form has no "note_shared", and no "note"
    when the note is police-internal (the service then keeps it)."""
    return {name: form.cleaned_data[name] for name in MEASURE_FORM_FIELDS if name in form.fields}


def _measure_page(
    request: HttpRequest,
    case_access: CaseAccess,
    *,
    title: Callable[[ProtectiveMeasure | None], str],
    submit: str,
) -> Callable[[forms.MeasureForm, Any], HttpResponse]:
    def show(form: forms.MeasureForm, current: ProtectiveMeasure | None) -> HttpResponse:
        return _render_form(
            request,
            case_access,
            form,
            title=title(current),
            submit=submit,
            sections=_measure_sections(form),
            saved_rows=_saved_rows(current, _shown_fields(case_access, current), case_access)
            if current
            else None,
        )

    return show


def _shown_fields(case_access: CaseAccess, measure: ProtectiveMeasure) -> list[str]:
    visible = services.shows_note(case_access, measure)
    return [name for name in MEASURE_FIELDS if name != "note" or visible]


@login_required
@require_http_methods(GET_POST)
@with_case(what="ny skyddsåtgärd")
def measure_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    parties = services.editable_parties(case_access)
    _ensure(bool(parties))
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    return form_page(
        request,
        make_form=lambda data: forms.MeasureForm(
            data, parties=parties, police=case_access.is_police
        ),
        save=lambda form: services.add_measure(
            user_for_request(request), case, **_measure_values(form)
        ),
        show=_measure_page(
            request,
            case_access,
            title=lambda _current: _("Ny skyddsåtgärd"),
            submit=_("Spara åtgärden"),
        ),
        done=lambda _m: saved(request, _("Skyddsåtgärden är sparad."), _case_url(case, "atgarder")),
        closed=lambda: _closed(request, case),
    )


def _measure(case_access: CaseAccess, pk: int) -> ProtectiveMeasure:
    measure = get_object_or_404(
        ProtectiveMeasure.objects.select_related("kind"), pk=pk, case=case_access.case
    )
    _ensure(services.may_change_row(case_access, measure))
    return measure


@login_required
@require_http_methods(GET_POST)
@with_case(what="ändra skyddsåtgärd")
def measure_edit(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    measure = _measure(case_access, pk)
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    parties = services.editable_parties(case_access)
    note_visible = services.shows_note(case_access, measure)
    initial = {name: getattr(measure, name) for name in MEASURE_FORM_FIELDS}
    initial["kind"] = measure.kind_id
    initial["version"] = measure.version
    if not note_visible:
        initial.pop("note")
    return form_page(
        request,
        make_form=lambda data: forms.MeasureForm(
            data,
            initial=initial,
            parties=parties,
            current_kind=measure.kind,
            police=case_access.is_police,
            note_visible=note_visible,
        ),
        save=lambda form: services.update_measure(
            user_for_request(request),
            measure,
            expected_version=form.expected_version(),
            **_measure_values(form),
        ),
        show=_measure_page(
            request,
            case_access,
            title=lambda current: (
                _("Ändra skyddsåtgärd: %(kind)s") % {"kind": (current or measure).kind.name}
            ),
            submit=_("Spara ändringarna"),
        ),
        done=lambda _m: saved(request, _("Skyddsåtgärden är ändrad."), _case_url(case, "atgarder")),
        reload=lambda _exc: _measure(case_access, pk),
        closed=lambda: _closed(request, case),
    )


def _measure_status(
    request: HttpRequest, case_access: CaseAccess, pk: int, status: str
) -> HttpResponse:
    measure = _measure(case_access, pk)
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.set_measure_status(
            user_for_request(request), measure, status, expected_version=version
        )
    except CaseClosedError:
        return _closed(request, case)
    except CaseworkPermissionError:
        raise Http404 from None
    except ConflictError:
        messages.error(
            request,
            _(
                "Åtgärden har ändrats av någon annan sedan sidan visades. "
                "Kontrollera och försök igen."
            ),
        )
    else:
        messages.success(
            request,
            _("Åtgärden är avslutad.")
            if status == ProtectiveMeasure.Status.ENDED
            else _("Åtgärden är markerad som avböjd."),
        )
    return redirect(_case_url(case, "atgarder"))


@login_required
@require_POST
@with_case(what="avsluta skyddsåtgärd")
def measure_end(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    return _measure_status(request, case_access, pk, ProtectiveMeasure.Status.ENDED)


@login_required
@require_POST
@with_case(what="avböjd skyddsåtgärd")
def measure_decline(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    return _measure_status(request, case_access, pk, ProtectiveMeasure.Status.DECLINED)
