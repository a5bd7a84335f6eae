"""Case list and case page. Access is decided in cases/access.py only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.forms import user_for_request
from cases import access, services
from cases.panels import case_panels


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = user_for_request(request)
    cases = access.listable_cases(user).select_related("unit").order_by("-opened_on", "-number")
    return render(request, "cases/case_list.html", {"cases": cases})


@login_required
@require_GET
def case_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = user_for_request(request)
    try:
        case_access = access.get_case_for_user(user, key, channel=access.Channel.DETAIL)
    except access.BreakGlassRequired as exc:
        return render(request, "cases/break_glass.html", {"case": exc.case}, status=200)
    case = case_access.case
    context = {
        "access": case_access,
        "case": case,
        "participants": case.participants.select_related("person").order_by("role"),
        "responsible": services.responsible_handlers(case),
        "panels": case_panels(case_access),
    }
    return render(request, "cases/case_detail.html", context)
