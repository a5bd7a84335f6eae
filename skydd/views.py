from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import user_for_request
from cases import access, breakglass, listing
from cases.casework.services import todo_for
from cases.models.cases import ProtectionCaseQuerySet


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Start page "Översikt": my due and overdue follow-ups ("Att göra") and my open cases."""
    user = user_for_request(request)
    assigned = cast(ProtectionCaseQuerySet, access.assigned_cases(user))
    my_cases = assigned.open().with_responsible().order_by("-opened_on", "-number")
    todo = todo_for(user)
    listing.summarise(user, [item.case for item in todo])
    return render(
        request,
        "core/overview.html",
        {
            "my_cases": listing.summarise(user, my_cases),
            "may_open_cases": bool(access.police_unit_ids(user)),
            "todo": todo,
            "unreviewed_break_glass": (
                breakglass.unreviewed_count(user) if access.headed_unit_ids(user) else None
            ),
        },
    )
