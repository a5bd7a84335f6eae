"""Pages of case work. Thin: access through cases.viewutils.with_case (cases.access), the
case-work rule from services, form → service → redirect. No access = 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import user_for_request
from accounts.models import User
from cases.access import CaseAccess
from cases.casework import forms, services
from cases.casework.services import (
    CaseClosedError,
    CaseworkPermissionError,
    ClosingBlockedError,
    ConflictError,
)
from cases.models import (
    ContactBan,
    FollowUp,
    Participant,
    ProtectionCase,
    ProtectiveMeasure,
)
from cases.viewutils import with_case

GET_POST = ["GET", "POST"]

CONFLICT = gettext_lazy(
    "Någon annan har sparat ändringar medan du skrev. Det du skrev finns kvar nedan och den "
    "sparade versionen visas i rutan. Spara igen om ditt ska gälla."
)


def _case_url(case: ProtectionCase, anchor: str = "arendearbete") -> str:
    return reverse("cases:detail", kwargs={"key": case.key}) + f"#{anchor}"


def _closed(request: HttpRequest, case: ProtectionCase) -> HttpResponse:
    messages.error(request, str(CaseClosedError(case)))
    return redirect(_case_url(case))


def _ensure(allowed: bool) -> None:
    """The reader may open the case but not this part of it: as if it did not exist."""
    if not allowed:
        raise Http404


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _display(value: Any, case_access: CaseAccess) -> str:
    if isinstance(value, Participant):
        return services.participant_label(value, case_access)
    if isinstance(value, User):
        return value.full_name
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, date):
        return value.isoformat()
    if value in (None, ""):
        return "–"
    return str(value)


def _saved_rows(obj: Model, fields: list[str], case_access: CaseAccess) -> list[tuple[str, str]]:
    """What is saved now, shown beside the user's own text after an edit conflict."""
    rows = []
    for name in fields:
        field = obj._meta.get_field(name)
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(obj, name)
        rows.append(
            (str(getattr(field, "verbose_name", name)).capitalize(), _display(value, case_access))
        )
    return rows


def _conflict_form(
    form_class: type, request: HttpRequest, current_version: int, **kwargs: Any
) -> Any:
    """The user's form again with the current version, so that saving again overwrites."""
    data = request.POST.copy()
    data["version"] = str(current_version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, CONFLICT)
    return form


def _sections(form: Any, *groups: tuple[str | None, list[str]]) -> list[dict[str, Any]]:
    return [
        {"legend": legend, "fields": [form[name] for name in names]} for legend, names in groups
    ]


def _render_form(
    request: HttpRequest,
    case_access: CaseAccess,
    form: Any,
    *,
    title: str,
    submit: str,
    sections: list[dict[str, Any]] | None = None,
    template: str = "cases/casework/form.html",
    **extra: Any,
) -> HttpResponse:
    context = {
        "access": case_access,
        "case": case_access.case,
        "form": form,
        "title": title,
        "submit": submit,
        "sections": sections or [{"legend": None, "fields": list(form.visible_fields())}],
        "cancel_url": _case_url(case_access.case),
        **extra,
    }
    return render(request, template, context)


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
    return _sections(
        form,
        (None, ["kind", "responsible_party", "status", "start_date", "end_date", "note"]),
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
    form = forms.MeasureForm(_post(request), parties=parties)
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
    _ensure(services.may_edit_party(case_access, measure.responsible_party))
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
    kwargs: dict[str, Any] = {"parties": parties, "current_kind": measure.kind}
    initial = {
        "kind": measure.kind_id,
        "responsible_party": measure.responsible_party,
        "status": measure.status,
        "start_date": measure.start_date,
        "end_date": measure.end_date,
        "note": measure.note,
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
                note=data["note"],
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
            saved_rows = _saved_rows(measure, MEASURE_FIELDS, case_access)
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


# --- follow-ups --------------------------------------------------------------------------------

FOLLOW_UP_FIELDS = ["kind", "due_date", "responsible_party", "assignee", "note"]


@login_required
@require_http_methods(GET_POST)
@with_case(what="ny uppföljning")
def followup_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    parties = services.editable_parties(case_access)
    _ensure(bool(parties))
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    actor = user_for_request(request)
    form = forms.FollowUpForm(_post(request), case=case, parties=parties, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_follow_up(actor, case, **form.cleaned_data_without_version())
        except CaseClosedError:
            return _closed(request, case)
        except CaseworkPermissionError:
            raise Http404 from None
        messages.success(request, _("Uppföljningen är planerad."))
        return redirect(_case_url(case, "uppfoljningar"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Ny uppföljning"),
        submit=_("Spara uppföljningen"),
    )


def _follow_up(case_access: CaseAccess, pk: int) -> FollowUp:
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("assignee"), pk=pk, case=case_access.case
    )
    _ensure(services.may_edit_party(case_access, follow_up.responsible_party))
    return follow_up


@login_required
@require_http_methods(GET_POST)
@with_case(what="ändra uppföljning")
def followup_edit(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    follow_up = _follow_up(case_access, pk)
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    if follow_up.done_on is not None:
        messages.info(request, _("Uppföljningen är redan utförd och kan inte ändras."))
        return redirect(_case_url(case, "uppfoljningar"))
    actor = user_for_request(request)
    kwargs: dict[str, Any] = {
        "case": case,
        "parties": services.editable_parties(case_access),
        "actor": actor,
        "current_due": follow_up.due_date,
    }
    initial = {name: getattr(follow_up, name) for name in FOLLOW_UP_FIELDS}
    initial["assignee"] = follow_up.assignee_id
    initial["version"] = follow_up.version
    form = forms.FollowUpForm(_post(request), initial=initial, **kwargs)
    saved_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_follow_up(
                actor,
                follow_up,
                expected_version=form.expected_version(),
                **form.cleaned_data_without_version(),
            )
        except CaseClosedError:
            return _closed(request, case)
        except CaseworkPermissionError:
            raise Http404 from None
        except ConflictError:
            follow_up = _follow_up(case_access, pk)
            form = _conflict_form(forms.FollowUpForm, request, follow_up.version, **kwargs)
            saved_rows = _saved_rows(follow_up, FOLLOW_UP_FIELDS, case_access)
        else:
            messages.success(request, _("Uppföljningen är ändrad."))
            return redirect(_case_url(case, "uppfoljningar"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Ändra uppföljning"),
        submit=_("Spara ändringarna"),
        saved_rows=saved_rows,
    )


@login_required
@require_http_methods(GET_POST)
@with_case(what="utför uppföljning")
def followup_complete(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    follow_up = _follow_up(case_access, pk)
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    if follow_up.done_on is not None:
        messages.info(request, _("Uppföljningen är redan utförd."))
        return redirect(_case_url(case, "uppfoljningar"))
    initial = {"done_on": timezone.localdate(), "version": follow_up.version}
    form = forms.CompleteFollowUpForm(_post(request), initial=initial)
    saved_rows = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            next_follow_up = services.complete_follow_up(
                user_for_request(request),
                follow_up,
                expected_version=form.expected_version(),
                done_on=data["done_on"],
                outcome=data["outcome"],
                next_due_date=data["next_due_date"],
                next_kind=data["next_kind"],
            )
        except CaseClosedError:
            return _closed(request, case)
        except CaseworkPermissionError:
            raise Http404 from None
        except ConflictError:
            follow_up = _follow_up(case_access, pk)
            if follow_up.done_on is not None:
                messages.warning(
                    request, _("Någon annan har redan markerat uppföljningen som utförd.")
                )
                return redirect(_case_url(case, "uppfoljningar"))
            form = _conflict_form(forms.CompleteFollowUpForm, request, follow_up.version)
            saved_rows = _saved_rows(follow_up, FOLLOW_UP_FIELDS, case_access)
        else:
            messages.success(request, _("Uppföljningen är markerad som utförd."))
            if next_follow_up is None and not services.open_follow_ups(case).exists():
                messages.warning(
                    request,
                    _("Ärendet har nu ingen planerad uppföljning. Planera nästa uppföljning."),
                )
            return redirect(_case_url(case, "uppfoljningar"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Utför uppföljning: %(kind)s") % {"kind": follow_up.get_kind_display()},
        submit=_("Markera som utförd"),
        intro=_("Senast %(date)s.") % {"date": follow_up.due_date.isoformat()},
        sections=_sections(
            form,
            (None, ["done_on", "outcome"]),
            (_("Nästa uppföljning"), ["next_due_date", "next_kind"]),
        ),
        saved_rows=saved_rows,
    )


# --- support information -----------------------------------------------------------------------


def _support(request: HttpRequest, case_access: CaseAccess, *, referral: bool) -> HttpResponse:
    _ensure(services.may_edit_police_work(case_access))
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    groups = services.offered_organisations(case, referral=referral)
    form = forms.SupportInformationForm(_post(request), case=case, groups=groups, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_support_information(
                user_for_request(request), case, is_referral=referral, **form.cleaned_data
            )
        except CaseClosedError:
            return _closed(request, case)
        messages.success(
            request,
            _("Hänvisningen är registrerad.") if referral else _("Informationen är registrerad."),
        )
        return redirect(_case_url(case, "stod"))
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
    return _render_form(
        request,
        case_access,
        form,
        title=title,
        submit=_("Spara"),
        intro=intro,
        template="cases/casework/support_form.html",
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
    if request.method == "POST" and form.is_valid():
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
        ending=list(services.measures_ending_on_close(case)),
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
    current = getattr(case, "legal_hold", None)
    initial = {"reason": current.reason} if current else {}
    form = forms.LegalHoldForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_legal_hold(user_for_request(request), case, reason=form.cleaned_data["reason"])
        messages.success(request, _("Bevarandebeslutet är sparat: ärendet gallras inte."))
        return redirect(_case_url(case, "bevarande"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Bevarandebeslut (stoppar gallring)"),
        submit=_("Spara bevarandebeslutet"),
        intro=_(
            "Ett ärende med bevarandebeslut gallras inte när gallringsfristen har gått ut. "
            "Häv beslutet när skälet inte längre finns."
        ),
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


# --- Att göra ----------------------------------------------------------------------------------


@login_required
@require_GET
def todo(request: HttpRequest) -> HttpResponse:
    """All of the user's open follow-ups over cases they may open (one query)."""
    items = services.todo_for(user_for_request(request), horizon_days=None)
    return render(request, "cases/casework/todo.html", {"todo": items})
