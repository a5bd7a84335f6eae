from __future__ import annotations

from typing import cast

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import user_for_request
from accounts.models import User
from cases import access, breakglass, listing
from cases.casework.services import todo_for
from cases.models import Disclosure, ProtectionCase
from cases.models.cases import ProtectionCaseQuerySet


def _shared_with(user: User) -> tuple[list[Disclosure], list[Disclosure]]:
    """Social services: the open cases shared with the user (a head: with the organisations
    they head), and for a head the disclosures that no handler is assigned to yet."""
    if not access.social_org_ids(user):
        return [], []
    disclosures: list[Disclosure] = list(
        access.active_disclosures_for(user)
        .filter(case__status=ProtectionCase.Status.OPEN)
        .select_related("case", "recipient")
        .annotate(assigned=Count("handlers"))
        .order_by("case__reference", "pk")
    )
    listing.summarise(user, [d.case for d in disclosures])
    headed = set(access.headed_social_org_ids(user))
    waiting = [
        d
        for d in disclosures
        if d.recipient_id in headed and not d.assigned  # type: ignore[attr-defined]
    ]
    return disclosures, waiting


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Start page "Översikt": my due and overdue follow-ups ("Att göra") and my open cases."""
    user = user_for_request(request)
    assigned = cast(ProtectionCaseQuerySet, access.assigned_cases(user))
    my_cases = listing.add_responsible_names(
        list(assigned.open().order_by("-opened_on", "-number"))
    )
    todo = todo_for(user)
    listing.summarise(user, [item.case for item in todo])
    shared, waiting = _shared_with(user)
    return render(
        request,
        "core/overview.html",
        {
            "my_cases": listing.summarise(user, my_cases),
            "may_open_cases": bool(access.police_unit_ids(user)),
            "todo": todo,
            "is_social": bool(access.social_org_ids(user)),
            "shared_cases": shared,
            "waiting_assignment": waiting,
            "unreviewed_break_glass": (
                breakglass.unreviewed_count(user) if access.headed_unit_ids(user) else None
            ),
        },
    )
