"""Finding cases by a person's personnummer or name."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from accounts.models import User
from cases import access
from cases.models import (
    Participant,
    ProtectionCase,
)
from cases.models.persons import personnummer_hmac

# --- search ---------------------------------------------------------------------------------

SEARCH_LIMIT = 50


@dataclass
class SearchHit:
    """One case found by a person search, with the matching participants in it."""

    case: ProtectionCase
    participants: list[Participant] = field(default_factory=list)


def search_persons(user: User, *, personnummer: str = "", name: str = "") -> list[SearchHit]:
    """Find cases by a person's exact personnummer (keyed hash) or name.

    Only cases the user may open now are searched (never cases a unit colleague can merely
    list), and only where their access includes persons. Every hit is a read of the case and
    is logged with channel SEARCH; the search term itself is logged nowhere.
    """
    participants = Participant.objects.filter(case__in=access.openable_cases(user))
    if personnummer:
        participants = participants.filter(
            person__personnummer_hmac=personnummer_hmac(personnummer)
        )
        what = "sökning på personnummer"
    else:
        terms = name.split()
        if not terms:
            return []
        for term in terms:
            participants = participants.filter(
                Q(person__first_name__icontains=term) | Q(person__last_name__icontains=term)
            )
        what = "sökning på namn"
    rows = participants.select_related("case", "case__unit", "person").order_by(
        "-case__opened_on", "-case__number", "role"
    )[: SEARCH_LIMIT * 4]
    hits: dict[int, SearchHit] = {}
    for participant in rows:
        hit = hits.get(participant.case_id)
        if hit is None:
            if len(hits) >= SEARCH_LIMIT:
                break
            hit = hits[participant.case_id] = SearchHit(participant.case)
        hit.participants.append(participant)
    shown = []
    for hit in hits.values():
        try:
            case_access = access.get_case_for_user(
                user, hit.case.key, channel=access.Channel.SEARCH, log=False
            )
        except (Http404, access.BreakGlassRequired):
            continue  # access ended between the query and now
        if not case_access.shows("scope_persons"):
            continue  # a disclosure without persons: the search must not reveal them
        access.record_access(
            user,
            case=hit.case,
            channel=access.Channel.SEARCH,
            granted=True,
            what=what,
            via=case_access.via,
            organisation=case_access.organisation,
            reason=case_access.break_glass.reason if case_access.break_glass else "",
        )
        shown.append(hit)
    return shown
