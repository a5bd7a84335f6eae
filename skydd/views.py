from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.forms import user_for_request
from cases import access
from cases.casework.services import todo_for
from cases.models import ProtectionCase
from cases.views import with_responsible


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Start page "Översikt": my due and overdue follow-ups ("Att göra") and my open cases."""
    user = user_for_request(request)
    my_cases = with_responsible(
        access.assigned_cases(user).filter(status=ProtectionCase.Status.OPEN)
    ).order_by("-opened_on", "-number")
    return render(
        request,
        "core/overview.html",
        {
            "my_cases": list(my_cases),
            "may_open_cases": bool(access.police_unit_ids(user)),
            "todo": todo_for(user),
        },
    )
