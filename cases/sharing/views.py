"""Pages for sharing cases and breaking the glass (the access-log pages: logviews.py).

Every view touching a case resolves it through cases.access first (directly or through
cases.viewutils.with_case).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import user_for_request
from cases import access, errors, listing
from cases.access import CaseAccess
from cases.breakglass import MIN_REASON_LENGTH
from cases.models import Disclosure, ProtectionCase
from cases.services import ConflictError
from cases.sharing import policy, services
from cases.sharing.forms import (
    BreakGlassForm,
    DisclosureForm,
    DisclosureHandlersForm,
    WithdrawalForm,
)
from cases.sharing.panels import disclosure_rows
from cases.viewutils import with_case

SHARED_PAGE_SIZE = 50

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
    # 50 a page: a social-services head may have thousands of active disclosures.
    paginator = Paginator(
        access.active_disclosures_for(user)
        .select_related("case", "recipient")
        .prefetch_related("handlers")
        .order_by("case__reference", "pk"),
        SHARED_PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("sida"))
    disclosures = list(page.object_list)
    headed = set(access.headed_social_org_ids(user))
    listing.summarise(user, [d.case for d in disclosures])
    rows = disclosure_rows(disclosures)
    for row in rows:
        row.headed = row.disclosure.recipient_id in headed
    context = {"rows": rows, "is_head": bool(headed), "page": page}
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
        context = {"case": case, "form": form, "min_length": MIN_REASON_LENGTH}
        return render(request, "cases/break_glass.html", context)
    try:
        grant = access.break_the_glass(user, case, reason=form.cleaned_data["reason"])
    except errors.Invalid as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        context = {"case": case, "form": form, "min_length": MIN_REASON_LENGTH}
        return render(request, "cases/break_glass.html", context)
    messages.warning(
        request,
        _("Nödåtkomsten gäller till %(until)s. Den är loggad och visas för enhetschefen.")
        % {"until": timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M")},
    )
    return redirect("cases:detail", key=case.key)
