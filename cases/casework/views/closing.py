"""Support information, closing, reopening and legal hold."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import user_for_request
from cases import extensions
from cases.access import CaseAccess
from cases.casework import forms, services, supportforms
from cases.casework.services import (
    CaseClosedError,
    ClosingBlockedError,
    ConflictError,
)
from cases.casework.views.common import (
    GET_POST,
    _case_url,
    _closed,
    _ensure,
    _post,
    _render_form,
    _saved_rows,
)
from cases.formpage import form_page, saved
from cases.models import CaseClosure, LegalHold
from cases.viewutils import with_case


def _hold_version(hold: LegalHold | None) -> int:
    """The version a legal-hold form carries: 0 while the case has no hold."""
    return hold.version if hold else 0


# --- support information -----------------------------------------------------------------------


def _support(request: HttpRequest, case_access: CaseAccess, *, referral: bool) -> HttpResponse:
    _ensure(services.may_edit_police_work(case_access))
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    groups = services.offered_organisations(case, referral=referral)
    title = (
        _("Hänvisning av hotutövare till stödverksamhet")
        if referral
        else _("Information om stöd och hjälp")
    )
    intro = (
        _("Registrera vilka verksamheter för den som utövar våld som hotutövaren hänvisades till.")
        if referral
        else _(
            "Polisen ska informera den som utsatts för brott om myndigheter och organisationer "
            "som kan ge stöd och hjälp. Registrera vilka verksamheter personen fick veta om. "
            "Kommunens verksamheter visas först."
        )
    )
    return form_page(
        request,
        make_form=lambda data: supportforms.SupportInformationForm(
            data, case=case, groups=groups, referral=referral
        ),
        save=lambda form: services.record_support_information(
            user_for_request(request), case, is_referral=referral, **form.cleaned_data
        ),
        show=lambda form, _current: _render_form(
            request,
            case_access,
            form,
            title=title,
            submit=_("Spara"),
            intro=intro,
            template="cases/casework/support_form.html",
        ),
        done=lambda _result: saved(
            request,
            _("Hänvisningen är registrerad.") if referral else _("Informationen är registrerad."),
            _case_url(case, "stod"),
        ),
        closed=lambda: _closed(request, case),
    )


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="information om stöd")
def support_info_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    return _support(request, case_access, referral=False)


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="hänvisning av hotutövare")
def referral_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    return _support(request, case_access, referral=True)


# --- closing, reopening, legal hold ------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="avsluta ärende")
def case_close(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    _ensure(services.may_edit_police_work(case_access))
    case = case_access.case
    if not case.is_open:
        messages.info(request, _("Ärendet är redan avslutat."))
        return redirect(_case_url(case))
    form = forms.CloseCaseForm(_post(request))
    blockers = services.closing_blockers(case)
    # "back" from the confirmation page: the form again, with what was typed.
    ready = request.method == "POST" and form.is_valid() and "back" not in request.POST
    if ready and not blockers and request.POST.get("confirmed") != "1":
        # Closing cannot be undone by the handler: a page says so before anything is done.
        return render(
            request,
            "cases/casework/close_confirm.html",
            {
                "case": case,
                "form": form,
                "reason_label": dict(CaseClosure.Reason.choices)[form.cleaned_data["reason"]],
                "ending": list(services.measures_ending_on_close(case)),
                "notices": [n for notice in extensions.closing_notices for n in notice(case)],
                "irreversible": [
                    _("Ärendet blir skrivskyddat: inget i det kan ändras eller läggas till."),
                    _("Bara en enhetschef kan återöppna det, och återöppningen journalförs."),
                    _(
                        "Avslutade ärenden gallras när gallringsfristen har gått ut, om de inte "
                        "har ett bevarandebeslut."
                    ),
                ],
            },
        )
    if ready:
        try:
            services.close_case(user_for_request(request), case, **form.cleaned_data)
        except CaseClosedError:
            return _closed(request, case)
        except ClosingBlockedError as exc:
            blockers = exc.blockers
            form.add_error(
                None,
                _("Ärendet kan inte avslutas ännu. Åtgärda först det som står i listan."),
            )
        else:
            messages.success(request, _("Ärendet är avslutat."))
            return redirect(_case_url(case))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Avsluta ärendet"),
        submit=_("Avsluta ärendet"),
        template="cases/casework/close_form.html",
        blockers=blockers,
        notices=services.closing_notices(case),
        ending=list(services.measures_ending_on_close(case)),
    )


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="anteckning efter avslut", allow_closed=True)
def closing_note_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    """The one note that may be added to a closed case."""
    _ensure(services.may_edit_police_work(case_access))
    case = case_access.case
    closure = case.closures.filter(reopened_at__isnull=True).order_by("-closed_at").first()
    if case.is_open or closure is None or closure.closing_note:
        messages.info(request, _("Det går inte att lägga till en anteckning efter avslutet."))
        return redirect(_case_url(case))
    form = forms.ClosingNoteForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_closing_note(
                user_for_request(request), case, text=form.cleaned_data["text"]
            )
        except ConflictError:
            messages.info(request, _("Anteckningen efter avslutet är redan skriven."))
        else:
            messages.success(request, _("Anteckningen är sparad."))
        return redirect(_case_url(case))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Anteckning efter avslutet"),
        submit=_("Spara anteckningen"),
        intro=_("Ett avslutat ärende kan få en enda anteckning i efterhand."),
    )


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="återöppna ärende", allow_closed=True)
def case_reopen(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    _ensure(services.may_reopen(case_access))
    case = case_access.case
    if case.is_open:
        messages.info(request, _("Ärendet är redan öppet."))
        return redirect(_case_url(case))
    form = forms.ReopenCaseForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_case(
                user_for_request(request), case, reason=form.cleaned_data["reason"]
            )
        except ConflictError:
            messages.info(request, _("Ärendet är redan öppet."))
        else:
            messages.success(request, _("Ärendet är återöppnat. Planera nästa uppföljning."))
        return redirect(_case_url(case))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Återöppna ärendet"),
        submit=_("Återöppna ärendet"),
    )


@login_required
@require_http_methods(GET_POST)
@with_case(need="edit", what="bevarandebeslut", allow_closed=True)
def legal_hold(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    _ensure(services.may_manage_legal_hold(case_access))
    case = case_access.case
    current = LegalHold.objects.filter(case=case).first()
    initial = {"reason": current.reason if current else "", "version": _hold_version(current)}

    def reload(_exc: Exception) -> LegalHold:
        # Removed meanwhile: saving again sets a new hold (version 0).
        return LegalHold.objects.filter(case=case).first() or LegalHold(case=case, version=0)

    return form_page(
        request,
        make_form=lambda data: forms.LegalHoldForm(data, initial=initial),
        save=lambda form: services.set_legal_hold(
            user_for_request(request),
            case,
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version(),
        ),
        show=lambda form, saved_hold: _render_form(
            request,
            case_access,
            form,
            title=_("Bevarandebeslut (stoppar gallring)"),
            submit=_("Spara bevarandebeslutet"),
            intro=_(
                "Ett ärende med bevarandebeslut gallras inte när gallringsfristen har gått ut. "
                "Häv beslutet när skälet inte längre finns."
            ),
            saved_rows=_saved_rows(saved_hold, ["reason"], case_access) if saved_hold else None,
        ),
        done=lambda _hold: saved(
            request,
            _("Bevarandebeslutet är sparat: ärendet gallras inte."),
            _case_url(case, "bevarande"),
        ),
        reload=reload,
    )


@login_required
@require_POST
@with_case(need="edit", what="häv bevarandebeslut", allow_closed=True)
def legal_hold_remove(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    _ensure(services.may_manage_legal_hold(case_access))
    case = case_access.case
    if services.remove_legal_hold(user_for_request(request), case):
        messages.success(request, _("Bevarandebeslutet är hävt."))
    else:
        messages.info(request, _("Ärendet har inget bevarandebeslut."))
    return redirect(_case_url(case, "bevarande"))
