"""Loans from the case page. Access follows the case (cases.access.get_case_for_user through
``with_case``, which logs the read): police readers only – social services get 404 here and
see the measure instead; changes need edit rights (a break-the-glass reader only reads)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alarms import basis, events, loans, panels, receipt
from alarms.forms import (
    AcknowledgeForm,
    EventForm,
    LendForm,
    LostForm,
    ReturnForm,
    ReviewForm,
)
from alarms.models import Loan
from cases import access
from cases.access import CaseAccess
from cases.errors import CaseClosed, Conflict, DomainError, Invalid, NotAllowed
from cases.viewutils import with_case


def _police(case_access: CaseAccess) -> None:
    if not loans.shows_loans(case_access):
        raise Http404


def _apply_error(form: Any, exc: DomainError) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.message)


def _loan_url(case_access: CaseAccess, loan: Loan) -> Any:
    return redirect("alarms:loan", key=case_access.case.key, loan=loan.key)


def _run(request: HttpRequest, form: Any, action: Any) -> bool:
    """Call the service; a refusal goes beside the form. True when it succeeded."""
    try:
        action()
    except CaseClosed as exc:
        messages.error(request, exc.message)
        form.add_error(None, exc.message)
    except NotAllowed as exc:
        raise Http404 from exc
    except (Invalid, Conflict) as exc:
        _apply_error(form, exc)
    else:
        return True
    return False


# The lending form names this many of the devices that cannot be lent, with why; the rest
# are counted (the inventory lists them all).
UNREADY_SHOWN = 20


@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="larm nytt lån")
def loan_new(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    _police(case_access)
    case = case_access.case
    ready, unready, unready_count = loans.lendable_devices(case, explained=UNREADY_SHOWN)
    form = LendForm(
        request.POST or None,
        devices=ready,
        carriers=loans.carriers(case),
        choices=basis.basis_choices(case_access),
        staff=basis.unit_staff(case),
        actor=case_access.user,
    )
    carrier_field = form.fields["carrier"]
    carrier_field.show_names = case_access.shows("scope_persons")  # type: ignore[attr-defined]
    created: list[Loan] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action() -> None:
            created.append(
                loans.lend(
                    case_access.user,
                    case,
                    device=data["device"],
                    carrier=data["carrier"],
                    started_on=data["started_on"],
                    review_on=data["review_on"],
                    return_by=data["return_by"],
                    assessment_id=form.assessment_id(),
                    reason=data["reason"],
                    decision_maker=data["decision_maker"],
                    acknowledged_on=timezone.localdate() if data["acknowledged"] else None,
                )
            )

        if _run(request, form, action):
            messages.success(
                request, _("Larmet är utlånat. Skriv ut kvittensen och instruktionerna.")
            )
            return _loan_url(case_access, created[0])
    return render(
        request,
        "alarms/loan_form.html",
        {
            "case": case,
            "form": form,
            "unready": unready,
            "unready_count": unready_count,
            "basis_choices": form.basis_choices,
            "review_months": settings.ALARM_LOAN_REVIEW_MONTHS,
            "max_age": settings.ALARM_ASSESSMENT_MAX_AGE_DAYS,
        },
    )


@require_GET
@with_case(what="larmlån")
def loan_detail(request: HttpRequest, case_access: CaseAccess, loan: str) -> HttpResponse:
    _police(case_access)
    row = loans.get_loan(case_access, loan)
    is_open = case_access.case.is_open
    may_change = loans.may_lend(case_access) and row.is_active and is_open
    return render(
        request,
        "alarms/loan_detail.html",
        {
            "case": case_access.case,
            "loan": row,
            "carrier": panels.carrier_label(row, case_access),
            "decisions": list(
                row.decisions.select_related("decided_by", "assessment").order_by(
                    "decided_on", "pk"
                )
            ),
            "events": list(row.events.select_related("recorded_by").order_by("-occurred_at")),
            "may_change": may_change,
            "may_record_event": loans.may_lend(case_access) and is_open,
            "ack_form": AcknowledgeForm(
                initial={"on": timezone.localdate(), "version": row.version}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="larmlån översyn")
def loan_review(request: HttpRequest, case_access: CaseAccess, loan: str) -> HttpResponse:
    _police(case_access)
    row = loans.get_loan(case_access, loan)
    if not row.is_active:
        raise Http404
    case = case_access.case
    form = ReviewForm(
        request.POST or None,
        initial={
            "version": row.version,
            "review_on": loans.default_review_on(timezone.localdate()),
        },
    )
    form.setup_basis(basis.basis_choices(case_access), basis.unit_staff(case), case_access.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action() -> None:
            loans.review(
                case_access.user,
                row,
                expected_version=form.expected_version(),
                review_on=data["review_on"],
                return_by=data["return_by"],
                assessment_id=form.assessment_id(),
                reason=data["reason"],
                decision_maker=data["decision_maker"],
            )

        if _run(request, form, action):
            messages.success(request, _("Översynen är registrerad som ett nytt beslut."))
            return _loan_url(case_access, row)
    return render(
        request,
        "alarms/loan_review.html",
        {"case": case, "loan": row, "form": form, "basis_choices": form.basis_choices},
    )


@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="larmlån återlämning")
def loan_return(request: HttpRequest, case_access: CaseAccess, loan: str) -> HttpResponse:
    return _end(request, case_access, loan, lost=False)


@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="larmlån förlorad")
def loan_lost(request: HttpRequest, case_access: CaseAccess, loan: str) -> HttpResponse:
    return _end(request, case_access, loan, lost=True)


def _end(request: HttpRequest, case_access: CaseAccess, key: str, *, lost: bool) -> HttpResponse:
    _police(case_access)
    row = loans.get_loan(case_access, key)
    if not row.is_active:
        raise Http404
    form_class = LostForm if lost else ReturnForm
    form = form_class(
        request.POST or None, initial={"version": row.version, "on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action() -> None:
            loans.end_loan(
                case_access.user,
                row,
                expected_version=form.expected_version(),
                lost=lost,
                on=data["on"],
                returned_charger=data.get("returned_charger", False),
                condition=data.get("condition", ""),
                note=data["note"],
            )

        if _run(request, form, action):
            messages.success(
                request,
                _("Enheten är registrerad som förlorad.")
                if lost
                else _(
                    "Larmet är återlämnat. Enheten behöver en beredskapskontroll före nästa lån."
                ),
            )
            return redirect("cases:detail", key=case_access.case.key)
    return render(
        request,
        "alarms/loan_end.html",
        {"case": case_access.case, "loan": row, "form": form, "lost": lost},
    )


@require_POST
@with_case(need="edit", what="larmlån kvittens")
def loan_acknowledge(request: HttpRequest, case_access: CaseAccess, loan: str) -> HttpResponse:
    _police(case_access)
    row = loans.get_loan(case_access, loan)
    form = AcknowledgeForm(request.POST)
    if form.is_valid() and _run(
        request,
        form,
        lambda: loans.acknowledge(
            case_access.user,
            row,
            on=form.cleaned_data["on"],
            expected_version=form.expected_version(),
        ),
    ):
        messages.success(request, _("Kvittensen är registrerad."))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    return _loan_url(case_access, row)


@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="larmhändelse")
def loan_event(request: HttpRequest, case_access: CaseAccess, loan: str) -> HttpResponse:
    _police(case_access)
    row = loans.get_loan(case_access, loan)
    now = timezone.localtime()
    form = EventForm(
        request.POST or None,
        initial={"occurred_on": now.date(), "occurred_time": now.strftime("%H:%M")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action() -> None:
            events.record_event(
                case_access.user,
                row,
                occurred_at=form.occurred_at(),
                kind=data["kind"],
                outcome=data["outcome"],
                note=data["note"],
            )

        if _run(request, form, action):
            messages.success(
                request,
                _(
                    "Larmhändelsen är registrerad. Ett skarpt larm ger en uppföljning ”Efter "
                    "larm” inom två dagar och en ny riskbedömning behövs."
                )
                if data["kind"] == "real"
                else _("Larmhändelsen är registrerad."),
            )
            return _loan_url(case_access, row)
    return render(
        request, "alarms/event_form.html", {"case": case_access.case, "loan": row, "form": form}
    )


@require_GET
@with_case(channel=access.Channel.PRINT, what="larmkvittens pdf")
def loan_receipt(request: HttpRequest, case_access: CaseAccess, loan: str) -> HttpResponse:
    _police(case_access)
    row = loans.get_loan(case_access, loan)
    document = receipt.build(case_access, row, panels.carrier_label(row, case_access))
    response = HttpResponse(receipt.render(document), content_type="application/pdf")
    # The file name holds the reference and date only – never a name or a serial.
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
