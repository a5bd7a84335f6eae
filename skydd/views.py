from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import user_for_request
from accounts.models import User
from cases import access, breakglass, listing
from cases.casework.services import todo_for
from cases.models import Disclosure, ProtectionCase
from cases.models.cases import ProtectionCaseQuerySet

# The start page shows this many shared cases and waiting disclosures and counts the rest;
# the full lists are "Ärenden delade med oss" (a social-services head of 1,795 disclosed
# cases had them all on the start page, about a second, issue 16).
OVERVIEW_LIMIT = 20


@dataclass
class Shared:
    cases: list[Disclosure] = field(default_factory=list)
    count: int = 0
    waiting: list[Disclosure] = field(default_factory=list)
    waiting_count: int = 0


def _shared_with(user: User) -> Shared:
    """Social services: the open cases shared with the user (a head: with the organisations
    they head), and for a head the disclosures that no handler is assigned to yet – the
    first ``OVERVIEW_LIMIT`` of each, by reference, and how many there are."""
    if not access.social_org_ids(user):
        return Shared()
    shared = access.active_disclosures_for(user).filter(case__status=ProtectionCase.Status.OPEN)
    result = Shared(count=shared.count())
    result.cases = list(
        shared.select_related("case", "recipient").order_by("case__reference", "pk")[
            :OVERVIEW_LIMIT
        ]
    )
    listing.summarise(user, [d.case for d in result.cases])
    headed = list(access.headed_social_org_ids(user))
    if headed:
        assigned = Disclosure.handlers.through.objects.filter(disclosure_id=OuterRef("pk"))
        waiting = shared.filter(recipient_id__in=headed).filter(~Exists(assigned))
        result.waiting_count = waiting.count()
        result.waiting = list(
            waiting.select_related("case").order_by("case__reference", "pk")[:OVERVIEW_LIMIT]
        )
    return result


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Start page "Översikt": my due and overdue follow-ups ("Att göra") and my open cases."""
    user = user_for_request(request)
    assigned = cast(ProtectionCaseQuerySet, access.assigned_cases(user))
    my_cases = list(assigned.open().order_by("-opened_on", "-number"))
    todo = todo_for(user)
    listing.summarise(user, [item.case for item in todo])
    shared = _shared_with(user)
    return render(
        request,
        "core/overview.html",
        {
            "my_cases": listing.summarise(user, my_cases, responsible_names=True),
            "may_open_cases": bool(access.police_unit_ids(user)),
            "todo": todo,
            "is_social": bool(access.social_org_ids(user)),
            "shared_cases": shared.cases,
            "shared_count": shared.count,
            "waiting_assignment": shared.waiting,
            "waiting_count": shared.waiting_count,
            "unreviewed_break_glass": (
                breakglass.unreviewed_count(user) if access.headed_unit_ids(user) else None
            ),
        },
    )
