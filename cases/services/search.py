"""Finding cases by a person's personnummer or name."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from cases import access, bulkaccess
from cases.models import (
    Participant,
    ProtectionCase,
)
from cases.models.accesslog import LogRow, append_entries
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
    is logged with channel SEARCH; the search term itself is logged nowhere. A fixed number
    of queries whatever the hits: access for all of them at once (``bulkaccess``), one
    insert into the log for all of them.
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
    grounds = bulkaccess.grounds_for(user, [hit.case for hit in hits.values()])
    # A disclosure without persons: the search must not reveal them.
    shown = [
        (hit, grounds[pk])
        for pk, hit in hits.items()
        if pk in grounds and grounds[pk].shows("scope_persons")
    ]
    with transaction.atomic():  # the log's chain lock is held until this commits
        append_entries(
            [
                LogRow(
                    user.pk,
                    ground.organisation_id,
                    hit.case.pk,
                    hit.case.reference,
                    access.Channel.SEARCH.value,
                    what,
                    True,
                    ground.via,
                    ground.break_glass_reason,
                    hit.case.unit_id,
                )
                for hit, ground in shown
            ]
        )
    return [hit for hit, _ground in shown]
