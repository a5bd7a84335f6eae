"""Inventory and device pages: police staff of the owning unit only (everyone else, social
services and administrators included, gets 404). URLs carry the device's opaque key, never a
serial, IMEI or SIM number. Loans from a case are in alarms.loan_views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import user_for_request
from alarms import services
from alarms.forms import CheckForm, DeviceForm, InventoryFilterForm, StatusForm
from alarms.models import CheckResult, Device, Loan, ReadinessCheck
from cases import access
from cases.errors import Conflict, DomainError, Invalid, NotAllowed


def _police_user(request: HttpRequest) -> Any:
    user = user_for_request(request)
    if not services.may_use_devices(user):
        raise Http404
    return user


def _apply_error(form: Any, exc: DomainError) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.message)


def _visible_case_ids(user: Any, case_ids: set[int]) -> set[int]:
    """Cases whose reference this user may see (listable); others are shown unnamed."""
    if not case_ids:
        return set()
    return set(access.listable_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))


def _active_loan_fields(qs: Any) -> Any:
    active = Loan.objects.filter(device=OuterRef("pk"), ended_on__isnull=True)
    return qs.annotate(
        loan_case_id=Subquery(active.values("case_id")[:1]),
        loan_case_key=Subquery(active.values("case__key")[:1]),
        loan_case_reference=Subquery(active.values("case_reference")[:1]),
        loan_review_on=Subquery(active.values("review_on")[:1]),
        loan_return_by=Subquery(active.values("return_by")[:1]),
        loan_without=Subquery(active.values("without_assessment")[:1]),
    )


INVENTORY_PAGE_SIZE = 50


@require_GET
def inventory(request: HttpRequest) -> HttpResponse:
    user = _police_user(request)
    form = InventoryFilterForm(request.GET or None)
    qs = services.with_readiness(services.devices_for(user))
    qs = _active_loan_fields(qs).select_related("kind", "unit")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if serial := data.get("serial", "").strip():
            qs = qs.filter(serial__icontains=serial)
        problem = data.get("problem")
        if problem == "overdue":
            qs = qs.exclude(status__in=services.GONE).filter(Q(overdue=True))
        elif problem == "past_dates":
            qs = qs.filter(pk__in=services.loans_past_dates().values("device_id"))
        elif problem == "without_assessment":
            qs = qs.filter(pk__in=services.loans_without_assessment().values("device_id"))
        elif problem == "lendable":
            qs = qs.filter(Q(lendable=True))
    # 50 a page: the biggest unit has 1,200 devices, a 530 kB page of them all (issue 16).
    page = Paginator(
        qs.order_by("kind__order", "kind__name", "serial", "pk"), INVENTORY_PAGE_SIZE
    ).get_page(request.GET.get("sida"))
    devices = list(page.object_list)
    visible = _visible_case_ids(user, {d.loan_case_id for d in devices if d.loan_case_id})
    today = timezone.localdate()
    for device in devices:
        reasons = services.not_ready_reasons(device)
        # The status is its own column: only the readiness reasons here.
        device.check_reasons = (  # type: ignore[attr-defined]
            reasons if device.status == Device.Status.IN_STORE else reasons[1:]
        )
        device.case_visible = device.loan_case_id in visible  # type: ignore[attr-defined]
        device.past_dates = bool(  # type: ignore[attr-defined]
            device.loan_review_on
            and (
                device.loan_review_on < today
                or (device.loan_return_by is not None and device.loan_return_by < today)
            )
        )
    query = request.GET.copy()
    query.pop("sida", None)
    all_devices = services.with_readiness(services.devices_for(user))
    counts = services.InventoryCounts(
        total=all_devices.exclude(status__in=services.GONE).count(),
        lendable=all_devices.filter(Q(lendable=True)).count(),
        on_loan=all_devices.filter(status=Device.Status.ON_LOAN).count(),
        overdue_checks=all_devices.exclude(status__in=services.GONE)
        .filter(Q(overdue=True))
        .count(),
        past_dates=services.loans_past_dates().filter(device__in=all_devices).count(),
        without_assessment=services.loans_without_assessment()
        .filter(device__in=all_devices)
        .count(),
    )
    return render(
        request,
        "alarms/inventory.html",
        {
            "form": form,
            "devices": devices,
            "page": page,
            "query": query.urlencode(),
            "counts": counts,
            "filtered": bool(form.is_bound and form.has_changed()),
        },
    )


@require_http_methods(["GET", "POST"])
def device_add(request: HttpRequest) -> HttpResponse:
    user = _police_user(request)
    units = services.units_for(user)
    form = DeviceForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            device = services.add_device(
                user,
                unit=data["unit"],
                kind=data["kind"],
                serial=data["serial"],
                imei=data["imei"],
                sim_number=data["sim_number"],
                notes=data["notes"],
            )
        except Invalid as exc:
            _apply_error(form, exc)
        else:
            messages.success(
                request, _("Enheten är registrerad. Gör en beredskapskontroll innan den lånas ut.")
            )
            return redirect("alarms:device", key=device.key)
    return render(
        request,
        "alarms/device_form.html",
        {"form": form, "title": _("Registrera larmenhet"), "submit": _("Registrera")},
    )


@require_GET
def device_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = _police_user(request)
    device = services.get_device_for_user(user, key)
    fresh = services.with_readiness(Device.objects.filter(pk=device.pk)).get()
    checks = list(
        ReadinessCheck.objects.filter(device=device)
        .select_related("performed_by")
        .prefetch_related(Prefetch("results", queryset=CheckResult.objects.order_by("pk")))
        .order_by("-performed_at", "-pk")[:10]
    )
    loans = list(
        Loan.objects.filter(device=device).select_related("case").order_by("-started_on", "-pk")
    )
    visible = _visible_case_ids(user, {loan.case_id for loan in loans if loan.case_id})
    for loan in loans:
        loan.case_visible = loan.case_id in visible  # type: ignore[attr-defined]
    history = list(
        device.history.select_related("history_user").order_by("-history_date")[:20]  # type: ignore[attr-defined]
    )
    return render(
        request,
        "alarms/device_detail.html",
        {
            "device": fresh,
            "reasons": services.not_ready_reasons(fresh),
            "checks": checks,
            "loans": loans,
            "history": history,
            "definitions": services.active_checks(device.kind),
            "status_form": StatusForm(initial={"version": device.version}),
            "may_set_status": device.status not in (Device.Status.ON_LOAN, Device.Status.RETIRED),
            "may_check": device.status not in services.GONE,
        },
    )


@require_http_methods(["GET", "POST"])
def device_edit(request: HttpRequest, key: str) -> HttpResponse:
    user = _police_user(request)
    device = services.get_device_for_user(user, key)
    initial = {
        "serial": device.serial,
        "imei": device.imei,
        "sim_number": device.sim_number,
        "notes": device.notes,
        "version": device.version,
    }
    form = DeviceForm(request.POST or None, initial=initial, units=[device.unit], editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_device(
                user,
                device,
                expected_version=form.expected_version(),
                serial=data["serial"],
                imei=data["imei"],
                sim_number=data["sim_number"],
                notes=data["notes"],
            )
        except (Invalid, Conflict) as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Enhetens uppgifter är sparade."))
            return redirect("alarms:device", key=device.key)
    return render(
        request,
        "alarms/device_form.html",
        {"form": form, "device": device, "title": _("Ändra larmenhet"), "submit": _("Spara")},
    )


@require_http_methods(["GET", "POST"])
def device_check(request: HttpRequest, key: str) -> HttpResponse:
    user = _police_user(request)
    device = services.get_device_for_user(user, key)
    definitions = services.active_checks(device.kind)
    form = CheckForm(request.POST or None, definitions=definitions)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.record_check(
                user, device, passed=form.passed(), note=form.cleaned_data["note"]
            )
        except Invalid as exc:
            _apply_error(form, exc)
        else:
            if check.passed:
                messages.success(request, _("Beredskapskontrollen är godkänd."))
            else:
                messages.warning(
                    request,
                    _("Beredskapskontrollen är underkänd: enheten kan inte lånas ut."),
                )
            return redirect("alarms:device", key=device.key)
    return render(request, "alarms/check_form.html", {"form": form, "device": device})


@require_POST
def device_status(request: HttpRequest, key: str) -> HttpResponse:
    user = _police_user(request)
    device = services.get_device_for_user(user, key)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_status(
                user, device, form.cleaned_data["status"], expected_version=form.expected_version()
            )
        except (Invalid, Conflict) as exc:
            messages.error(request, exc.message)
        except NotAllowed as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Status är ändrad."))
    else:
        messages.error(request, _("Välj en giltig status."))
    return redirect("alarms:device", key=device.key)
