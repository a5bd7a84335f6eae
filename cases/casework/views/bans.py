"""Kontaktförbud and their breaches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import user_for_request
from cases.access import CaseAccess
from cases.casework import forms, services
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


def _ban_page(
    request: HttpRequest, case_access: CaseAccess, *, title: str, submit: str
) -> Callable[[forms.ContactBanForm, Any], HttpResponse]:
    def show(form: forms.ContactBanForm, current: ContactBan | None) -> HttpResponse:
        return _render_form(
            request,
            case_access,
            form,
            title=title,
            submit=submit,
            sections=_ban_sections(form),
            saved_rows=_saved_rows(current, BAN_FIELDS, case_access) if current else None,
        )

    return show


def _done(request: HttpRequest, case: Any, message: str) -> Callable[[Any], HttpResponse]:
    return lambda _result: saved(request, message, _case_url(case, "kontaktforbud"))


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="nytt kontaktförbud")
def contact_ban_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    _ensure(services.may_edit_police_work(case_access))
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    return form_page(
        request,
        make_form=lambda data: forms.ContactBanForm(data, case=case),
        save=lambda form: services.add_contact_ban(
            user_for_request(request), case, **_ban_data(form)
        ),
        show=_ban_page(
            request, case_access, title=_("Nytt kontaktförbud"), submit=_("Spara kontaktförbudet")
        ),
        done=_done(request, case, _("Kontaktförbudet är registrerat.")),
        closed=lambda: _closed(request, case),
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

    def reload(_exc: Exception) -> ContactBan:
        return get_object_or_404(
            ContactBan.objects.select_related(
                "protected_participant__person", "restricted_participant__person"
            ),
            pk=pk,
            case=case,
        )

    return form_page(
        request,
        make_form=lambda data: forms.ContactBanForm(data, initial=initial, case=case),
        save=lambda form: services.update_contact_ban(
            user_for_request(request),
            ban,
            expected_version=form.expected_version(),
            **_ban_data(form),
        ),
        show=_ban_page(
            request, case_access, title=_("Ändra kontaktförbud"), submit=_("Spara ändringarna")
        ),
        done=_done(request, case, _("Kontaktförbudet är ändrat.")),
        reload=reload,
        closed=lambda: _closed(request, case),
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
    return form_page(
        request,
        make_form=forms.BreachForm,
        save=lambda form: services.add_breach(user_for_request(request), ban, **form.cleaned_data),
        show=lambda form, _current: _render_form(
            request,
            case_access,
            form,
            title=_("Registrera överträdelse av kontaktförbud"),
            submit=_("Spara överträdelsen"),
            intro=_("%(type)s, %(status)s.")
            % {"type": ban.get_ban_type_display(), "status": ban.get_status_display().lower()},
        ),
        done=_done(request, case, _("Överträdelsen är registrerad.")),
        closed=lambda: _closed(request, case),
    )
