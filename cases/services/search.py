"""Finding cases by a person's personnummer or name."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from cases import access, searchaccess
from cases.models import (
    Participant,
    Person,
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


def _matching_persons(personnummer: str, name: str) -> QuerySet[Person] | None:
    if personnummer:
        return Person.objects.filter(personnummer_hmac=personnummer_hmac(personnummer))
    terms = name.split()
    if not terms:
        return None
    persons = Person.objects.all()
    for term in terms:
        # UPPER(name) LIKE '%term%': the trigram indexes of migration 0030.
        persons = persons.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    return persons


def _serial_plan() -> None:
    """No parallel workers for the rest of the transaction (``SET LOCAL``). The search reads
    the newest openable cases one by one until SEARCH_LIMIT have a matching person; in
    parallel each worker walked its own share of them and Gather Merge waited for every
    worker: three times the rows read and the workers' start-up on each search (national
    data, a head and "Andersson": 63 ms against 11 ms serial, issue 16)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def search_persons(user: User, *, personnummer: str = "", name: str = "") -> list[SearchHit]:
    """Find cases by a person's exact personnummer (keyed hash) or name.

    Only cases the user may open now are searched (never cases a unit colleague can merely
    list), and only where their access includes persons. Every hit is a read of the case and
    is logged with channel SEARCH; the search term itself is logged nowhere.

    The newest SEARCH_LIMIT such cases, each with all its matching participants, in a fixed
    number of queries whatever the hits: the cases, their matching participants, access
    for all of them at once (``searchaccess``), and one insert into the log for them all.
    One transaction for the search and its log: the planner setting lasts as long, and the
    log's chain lock, taken last, is held until it commits.
    """
    persons = _matching_persons(personnummer, name)
    if persons is None:
        return []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _serial_plan()
        shown = _find(user, persons)
        what = "sökning på personnummer" if personnummer else "sökning på namn"
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


def _find(user: User, persons: QuerySet[Person]) -> list[tuple[SearchHit, searchaccess.Grounds]]:
    """The hits the user may see, with the grounds to log them by."""
    matching = Participant.objects.filter(person__in=persons)
    # A semi-join the planner may start from either side: from the persons when few match
    # (a personnummer, a rare name, through the trigram indexes), from the newest cases
    # when many do (a common surname: 50 are found long before the persons are all read).
    # Cases disclosed without persons are left out before the limit, not after it.
    openable, disclosed = access.openable_access(user, needs="scope_persons")
    found = openable.filter(Exists(matching.filter(case_id=OuterRef("pk"))))
    cases = list(found.select_related("unit").order_by("-opened_on", "-number")[:SEARCH_LIMIT])
    hits = {case.pk: SearchHit(case) for case in cases}
    for participant in (
        matching.filter(case_id__in=hits).select_related("person").order_by("role", "pk")
    ):
        participant.case = hits[participant.case_id].case
        hits[participant.case_id].participants.append(participant)
    grounds = searchaccess.grounds_for(user, cases, disclosed)
    # A disclosure without persons: the search must not reveal them.
    return [
        (hit, grounds[pk])
        for pk, hit in hits.items()
        if pk in grounds and grounds[pk].shows("scope_persons")
    ]
