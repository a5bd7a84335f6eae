"""Pages for sharing cases, breaking the glass and reading the access log.

Every view touching a case resolves it through cases.access first (directly or through
cases.viewutils.with_case). The access-log pages are not case reads and are not logged as
such; a denied attempt on them is recorded like any other denial.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import user_for_request
from accounts.models import Membership, User
from cases import access, errors
from cases.access import CaseAccess
from cases.models import AccessLogEntry, BreakGlassAccess, Disclosure, ProtectionCase
from cases.services import ConflictError
from cases.sharing import policy, services
from cases.sharing.forms import (
    AccessReportForm,
    BreakGlassForm,
    DisclosureForm,
    DisclosureHandlersForm,
    WithdrawalForm,
)
from cases.sharing.panels import disclosure_rows
from cases.viewutils import with_case

LOG_PAGE_SIZE = 50
BREAK_GLASS_RECENT_DAYS = 30
ACCESS_LOG_WHAT = "åtkomstlogg"


def _posted(request: HttpRequest) -> Any:
    # Not ``request.POST or None``: an empty POST (every checkbox cleared) is still a POST.
    return request.POST if request.method == "POST" else None


# --- Disclosure (police) --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="nytt utlämnande")
def disclosure_create(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    if not policy.may_withdraw(case_access):
        raise Http404
    case = case_access.case
    if not case.is_open:
        messages.info(request, _("Ärendet är avslutat och kan inte lämnas ut."))
        return redirect("cases:detail", key=case.key)
    form = DisclosureForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        disclosure = services.create_disclosure(
            user_for_request(request),
            case,
            recipient=data["recipient"],
            legal_basis=data["legal_basis"],
            legal_basis_text=data["legal_basis_text"],
            scopes=data["scope"],
            consent_given_by=data["consent_given_by"],
            consent_form=data["consent_form"],
            consent_date=data["consent_date"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
        )
        messages.success(
            request,
            _("Utlämnandet till %(org)s är registrerat.") % {"org": disclosure.recipient.name},
        )
        return redirect("cases:detail", key=case.key)
    return render(request, "cases/sharing/disclosure_form.html", {"case": case, "form": form})


def _disclosure_of(case: ProtectionCase, pk: int) -> Disclosure:
    disclosure = case.disclosures.select_related("recipient").filter(pk=pk).first()
    if disclosure is None:
        raise Http404
    return disclosure


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="återkalla utlämnande", allow_closed=True)
def disclosure_withdraw(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    if not policy.may_withdraw(case_access):
        raise Http404
    case = case_access.case
    disclosure = _disclosure_of(case, pk)
    if disclosure.withdrawn_at:
        messages.info(request, _("Utlämnandet är redan återkallat."))
        return redirect("cases:detail", key=case.key)
    form = WithdrawalForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_disclosure(
                user_for_request(request), disclosure, form.cleaned_data["reason"]
            )
        except ConflictError:
            messages.warning(request, _("Någon annan återkallade utlämnandet alldeles nyss."))
        else:
            messages.success(
                request,
                _("Utlämnandet till %(org)s är återkallat. Mottagaren ser inte längre ärendet.")
                % {"org": disclosure.recipient.name},
            )
        return redirect("cases:detail", key=case.key)
    context = {"case": case, "form": form, "row": disclosure_rows([disclosure])[0]}
    return render(request, "cases/sharing/disclosure_withdraw.html", context)


# --- The recipient's side (social services) -------------------------------------------------


@login_required
@require_GET
def shared_cases(request: HttpRequest) -> HttpResponse:
    """ "Ärenden delade med oss": a head sees every active disclosure to the organisations
    they head and assigns handlers; a handler sees the disclosures assigned to them."""
    user = user_for_request(request)
    if not access.social_org_ids(user):
        raise Http404
    disclosures = list(
        access.active_disclosures_for(user)
        .select_related("case", "recipient")
        .prefetch_related("handlers")
        .order_by("case__reference", "pk")
    )
    headed = set(access.headed_social_org_ids(user))
    rows = disclosure_rows(disclosures)
    for row in rows:
        row.headed = row.disclosure.recipient_id in headed
    context = {"rows": rows, "is_head": bool(headed)}
    return render(request, "cases/sharing/shared_cases.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@with_case(what="tilldela handläggare för utlämnande")
def disclosure_handlers(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    if case_access.is_police:
        raise Http404  # police do not assign the recipient's handlers
    user = user_for_request(request)
    disclosure = services.headed_disclosure(case_access, user, pk)
    candidates = services.assignable_handlers(disclosure.recipient)
    form = DisclosureHandlersForm(
        _posted(request),
        candidates=candidates,
        initial={
            "handlers": list(disclosure.handlers.all()),
            "seen": services.handlers_fingerprint(disclosure),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_disclosure_handlers(
                user,
                disclosure,
                form.cleaned_data["handlers"],
                # The page always sends what it showed; a bare POST (no "seen") is not checked.
                expected=form.cleaned_data["seen"] if "seen" in request.POST else None,
            )
        except ConflictError as exc:
            # Keep the head's choices; the form now carries the saved state, so saving again
            # is a deliberate decision made after seeing the message.
            data = request.POST.copy()
            data["seen"] = services.handlers_fingerprint(disclosure)
            form = DisclosureHandlersForm(data, candidates=candidates)
            form.is_valid()
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Tilldelningen för %(ref)s är sparad.") % {"ref": case_access.case.reference},
            )
            return redirect("cases:shared_cases")
    context = {
        "case": case_access.case,
        "form": form,
        "row": disclosure_rows([disclosure])[0],
    }
    return render(request, "cases/sharing/disclosure_handlers.html", context)


# --- Break the glass ------------------------------------------------------------------------


@login_required
@require_POST
def break_glass(request: HttpRequest, key: str) -> HttpResponse:
    """A unit colleague states a reason and gets read access for 24 hours.

    Found through cases.access like every case view: anyone who may not break the glass on
    this case (another unit, social services, admin, a restricted case) gets 404.
    """
    user = user_for_request(request)
    # Not logged here: the case page that showed the form logged "kräver nödåtkomst", and
    # break_the_glass logs the grant; a refusal is logged by asking again with logging on.
    try:
        case_access = access.get_case_for_user(user, key, what="nödåtkomst", log=False)
    except access.BreakGlassRequired as exc:
        case = exc.case
    except Http404:
        access.get_case_for_user(user, key, what="nödåtkomst")
        raise
    else:
        if case_access.is_police:
            return redirect("cases:detail", key=case_access.case.key)  # has access already
        access.record_access(
            user,
            case=case_access.case,
            channel=access.Channel.DETAIL,
            granted=False,
            what="nödåtkomst",
        )
        raise Http404
    form = BreakGlassForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/break_glass.html", {"case": case, "form": form})
    try:
        grant = access.break_the_glass(user, case, reason=form.cleaned_data["reason"])
    except errors.Invalid as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return render(request, "cases/break_glass.html", {"case": case, "form": form})
    messages.warning(
        request,
        _("Nödåtkomsten gäller till %(until)s. Den är loggad och visas för enhetschefen.")
        % {"until": timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M")},
    )
    return redirect("cases:detail", key=case.key)


# --- Access log pages (police: head and responsible handlers) ------------------------------


def _log_manager_access(user: User, key: str) -> CaseAccess:
    """The case if the user may read its access log (head, responsible handler), else 404.

    Not logged as a read of the case; a refusal is recorded as a denied attempt."""
    case_access: CaseAccess | None
    try:
        case_access = access.get_case_for_user(user, key, what=ACCESS_LOG_WHAT, log=False)
    except (Http404, access.BreakGlassRequired):
        case_access = None
    if case_access is None or not policy.may_read_access_log(case_access):
        access.record_access(
            user,
            case=ProtectionCase.objects.filter(key=key).first(),
            channel=access.Channel.PART,
            granted=False,
            what=ACCESS_LOG_WHAT,
        )
        raise Http404
    return case_access


def _via_labels() -> dict[str, str]:
    return {
        "assigned": _("ansvarig handläggare"),
        "head": _("enhetschef"),
        "break_glass": _("nödåtkomst"),
        "disclosure": _("utlämnande"),
    }


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, LOG_PAGE_SIZE).get_page(request.GET.get("sida"))


@login_required
@require_GET
def case_access_log(request: HttpRequest, key: str) -> HttpResponse:
    """ "Vem har sett ärendet": every read and denied attempt on one case."""
    case_access = _log_manager_access(user_for_request(request), key)
    entries = AccessLogEntry.objects.filter(case=case_access.case).select_related(
        "user", "organisation"
    )
    context = {
        "case": case_access.case,
        "page": _page(request, entries.order_by("-at", "-pk")),
        "via_labels": _via_labels(),
    }
    return render(request, "cases/sharing/case_access_log.html", context)


def _headed_units_or_404(user: User) -> list[int]:
    units = access.headed_unit_ids(user)
    if not units:
        raise Http404
    return units


def report_candidates(units: list[int]) -> Any:
    """Users of the units, and anyone else who has touched the units' cases."""
    members = Membership.objects.filter(organisation_id__in=units, is_active=True)
    readers = AccessLogEntry.objects.filter(case__unit_id__in=units).values("user_id")
    return User.objects.filter(Q(pk__in=members.values("user_id")) | Q(pk__in=readers)).order_by(
        "full_name", "pk"
    )


@login_required
@require_GET
def access_report(request: HttpRequest) -> HttpResponse:
    """Per-user report for heads: one user's reads of the unit's cases in a period."""
    units = _headed_units_or_404(user_for_request(request))
    today = timezone.localdate()
    initial = {"date_from": today - timedelta(days=30), "date_to": today}
    data = request.GET if "user" in request.GET else None
    form = AccessReportForm(data, candidates=report_candidates(units), initial=initial)
    page = None
    if form.is_valid():
        entries = (
            AccessLogEntry.objects.filter(
                user=form.cleaned_data["user"],
                case__unit_id__in=units,
                at__date__gte=form.cleaned_data["date_from"],
                at__date__lte=form.cleaned_data["date_to"],
            )
            .select_related("organisation", "case")
            .order_by("-at", "-pk")
        )
        page = _page(request, entries)
    query = request.GET.copy()
    query.pop("sida", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "via_labels": _via_labels(),
    }
    return render(request, "cases/sharing/access_report.html", context)


@login_required
@require_GET
def break_glass_list(request: HttpRequest) -> HttpResponse:
    """Active and recent break-the-glass accesses to the unit's cases, for the head."""
    units = _headed_units_or_404(user_for_request(request))
    now = timezone.now()
    grants = (
        BreakGlassAccess.objects.filter(case__unit_id__in=units)
        .filter(
            Q(expires_at__gt=now) | Q(granted_at__gte=now - timedelta(days=BREAK_GLASS_RECENT_DAYS))
        )
        .select_related("user", "case")
        .order_by("-granted_at", "-pk")
    )
    context = {"page": _page(request, grants), "now": now, "days": BREAK_GLASS_RECENT_DAYS}
    return render(request, "cases/sharing/break_glass_list.html", context)
