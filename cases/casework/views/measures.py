"""The case-work page and protective measures."""

from __future__ import annotations

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
    _conflict_form,
    _ensure,
    _post,
    _render_form,
    _saved_rows,
    _sections,
)
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


@login_required
@require_http_methods(GET_POST)
@with_case(what="ny skyddsåtgärd")
def measure_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    parties = services.editable_parties(case_access)
    _ensure(bool(parties))
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    form = forms.MeasureForm(_post(request), parties=parties, police=case_access.is_police)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_measure(
                user_for_request(request),
                case,
                kind=data["kind"],
                responsible_party=data["responsible_party"],
                status=data["status"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                note=data["note"],
                note_shared=data.get("note_shared"),
                statement_date=data["statement_date"],
                statement_text=data["statement_text"],
            )
        except CaseClosedError:
            return _closed(request, case)
        except CaseworkPermissionError:
            raise Http404 from None
        messages.success(request, _("Skyddsåtgärden är sparad."))
        return redirect(_case_url(case, "atgarder"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Ny skyddsåtgärd"),
        submit=_("Spara åtgärden"),
        sections=_measure_sections(form),
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
    kwargs: dict[str, Any] = {
        "parties": parties,
        "current_kind": measure.kind,
        "police": case_access.is_police,
        "note_visible": note_visible,
    }
    initial = {
        "kind": measure.kind_id,
        "responsible_party": measure.responsible_party,
        "status": measure.status,
        "start_date": measure.start_date,
        "end_date": measure.end_date,
        "note": measure.note if note_visible else "",
        "note_shared": measure.note_shared,
        "statement_date": measure.statement_date,
        "statement_text": measure.statement_text,
        "version": measure.version,
    }
    form = forms.MeasureForm(_post(request), initial=initial, **kwargs)
    saved_rows = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_measure(
                user_for_request(request),
                measure,
                expected_version=form.expected_version(),
                kind=data["kind"],
                responsible_party=data["responsible_party"],
                status=data["status"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                note=data.get("note"),
                note_shared=data.get("note_shared"),
                statement_date=data["statement_date"],
                statement_text=data["statement_text"],
            )
        except CaseClosedError:
            return _closed(request, case)
        except CaseworkPermissionError:
            raise Http404 from None
        except ConflictError:
            measure = _measure(case_access, pk)
            form = _conflict_form(forms.MeasureForm, request, measure.version, **kwargs)
            fields = [f for f in MEASURE_FIELDS if f != "note" or note_visible]
            saved_rows = _saved_rows(measure, fields, case_access)
        else:
            messages.success(request, _("Skyddsåtgärden är ändrad."))
            return redirect(_case_url(case, "atgarder"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Ändra skyddsåtgärd: %(kind)s") % {"kind": measure.kind.name},
        submit=_("Spara ändringarna"),
        sections=_measure_sections(form),
        saved_rows=saved_rows,
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
