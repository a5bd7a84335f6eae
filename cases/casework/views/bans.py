"""Kontaktförbud and their breaches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import user_for_request
from cases.access import CaseAccess
from cases.casework import forms, services
from cases.casework.services import (
    CaseClosedError,
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
from cases.models import ContactBan
from cases.viewutils import with_case

# --- kontaktförbud -----------------------------------------------------------------------------

BAN_FIELDS = [
    "ban_type",
    "status",
    "electronic_monitoring",
    "decision_date",
    "deciding_body",
    "valid_from",
    "valid_until",
    "protected_participant",
    "restricted_participant",
    "note",
]


def _ban_sections(form: forms.ContactBanForm) -> list[dict[str, Any]]:
    return _sections(
        form,
        (None, ["ban_type", "status", "electronic_monitoring"]),
        (_("Beslut"), ["decision_date", "deciding_body", "valid_from", "valid_until"]),
        (_("Personer"), ["protected_participant", "restricted_participant"]),
        (None, ["note"]),
    )


def _ban_data(form: forms.ContactBanForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in BAN_FIELDS}


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="nytt kontaktförbud")
def contact_ban_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    _ensure(services.may_edit_police_work(case_access))
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    form = forms.ContactBanForm(_post(request), case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contact_ban(user_for_request(request), case, **_ban_data(form))
        except CaseClosedError:
            return _closed(request, case)
        messages.success(request, _("Kontaktförbudet är registrerat."))
        return redirect(_case_url(case, "kontaktforbud"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Nytt kontaktförbud"),
        submit=_("Spara kontaktförbudet"),
        sections=_ban_sections(form),
    )


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="ändra kontaktförbud")
def contact_ban_edit(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    _ensure(services.may_edit_police_work(case_access))
    case = case_access.case
    ban = get_object_or_404(ContactBan, pk=pk, case=case)
    if not case.is_open:
        return _closed(request, case)
    initial = {name: getattr(ban, name) for name in BAN_FIELDS}
    initial["protected_participant"] = ban.protected_participant_id
    initial["restricted_participant"] = ban.restricted_participant_id
    initial["version"] = ban.version
    form = forms.ContactBanForm(_post(request), initial=initial, case=case)
    saved_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact_ban(
                user_for_request(request),
                ban,
                expected_version=form.expected_version(),
                **_ban_data(form),
            )
        except CaseClosedError:
            return _closed(request, case)
        except ConflictError:
            ban = get_object_or_404(
                ContactBan.objects.select_related(
                    "protected_participant__person", "restricted_participant__person"
                ),
                pk=pk,
                case=case,
            )
            form = _conflict_form(forms.ContactBanForm, request, ban.version, case=case)
            saved_rows = _saved_rows(ban, BAN_FIELDS, case_access)
        else:
            messages.success(request, _("Kontaktförbudet är ändrat."))
            return redirect(_case_url(case, "kontaktforbud"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Ändra kontaktförbud"),
        submit=_("Spara ändringarna"),
        sections=_ban_sections(form),
        saved_rows=saved_rows,
    )


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="överträdelse av kontaktförbud")
def contact_ban_breach_add(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    _ensure(services.may_edit_police_work(case_access))
    case = case_access.case
    ban = get_object_or_404(ContactBan, pk=pk, case=case)
    if not case.is_open:
        return _closed(request, case)
    form = forms.BreachForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_breach(user_for_request(request), ban, **form.cleaned_data)
        except CaseClosedError:
            return _closed(request, case)
        messages.success(request, _("Överträdelsen är registrerad."))
        return redirect(_case_url(case, "kontaktforbud"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Registrera överträdelse av kontaktförbud"),
        submit=_("Spara överträdelsen"),
        intro=_("%(type)s, %(status)s.")
        % {"type": ban.get_ban_type_display(), "status": ban.get_status_display().lower()},
    )
