"""The case page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import user_for_request
from accounts.models import Organisation
from cases import access, caserows, listing, services
from cases.access import CaseAccess
from cases.breakglass import MIN_REASON_LENGTH
from cases.forms import AssignHandlerForm
from cases.models import (
    FollowUp,
    JournalEntry,
    Participant,
    SecretDwelling,
)
from cases.models.disclosure import SCOPE_FIELDS
from cases.panels import case_panels

# --- the case page --------------------------------------------------------------------------


def _dwellings_only(case_access: CaseAccess) -> list[SecretDwelling]:
    """A disclosure of the secret dwelling without the persons: the dwellings, no names."""
    if case_access.shows("scope_persons") or not case_access.shows("scope_secret_dwelling"):
        return []
    if not caserows.has(case_access, SecretDwelling):
        return []
    dwellings = SecretDwelling.objects.filter(
        case=case_access.case, person__participations__case=case_access.case
    ).distinct()
    return [d for d in dwellings if case_access.sees_dwelling(d)]


def _people(case_access: CaseAccess) -> list[dict[str, Any]]:
    """Persons of the case (one entry per person, all their roles), dwellings filtered by
    sees_dwelling. Empty when the reader's scope does not include persons."""
    if not case_access.shows("scope_persons"):
        return []
    people: dict[int, dict[str, Any]] = {}
    # This case's dwellings per person (those of other cases are never shown through it).
    dwellings: dict[int, list[SecretDwelling]] = {}
    for dwelling in caserows.dwellings(case_access):
        if case_access.sees_dwelling(dwelling):
            dwellings.setdefault(dwelling.person_id, []).append(dwelling)
    for participant in caserows.participants(case_access):
        entry = people.get(participant.person_id)
        if entry is None:
            person = participant.person
            entry = people[participant.person_id] = {
                "person": person,
                # This case's contact details (the person's rows here are kept alike).
                "contact": participant,
                "participants": [],
                "dwellings": dwellings.get(participant.person_id, []),
                "show_address": case_access.is_police or not person.address_is_suppressed,
            }
        entry["participants"].append(participant)
        if participant.role != Participant.Role.THREAT_ACTOR:
            entry["may_have_dwelling"] = True
    return list(people.values())


def _next_follow_up(case_access: CaseAccess) -> FollowUp | None:
    """The open follow-up due first (the case-work section's rows: open ones come first,
    by due date)."""
    if not case_access.shows("scope_measures"):
        return None
    return next((f for f in caserows.follow_ups(case_access) if f.done_on is None), None)


def _journal(case_access: CaseAccess) -> QuerySet[JournalEntry]:
    entries = case_access.case.journal.select_related("author", "author_organisation")
    if not case_access.shows("internal"):
        # Social services read shared entries only, never police-internal ones, and only
        # those written while one of their own disclosures was valid: an earlier note may
        # say where the person lived before (and so where they moved from).
        earliest = min(d.valid_from for d in case_access.disclosures)
        # Notes of social services are read by the police and by the writer's own
        # organisation, never by another recipient of the case.
        entries = entries.filter(
            visibility=JournalEntry.Visibility.SHARED, created_at__date__gte=earliest
        ).filter(
            Q(author_organisation__isnull=True)
            | Q(author_organisation__kind=Organisation.Kind.POLICE_UNIT)
            | Q(author_organisation=case_access.organisation)
        )
    return entries


# The journal lists this many entries per page, newest first: a case followed for years
# gathers hundreds of entries, and the case page rendered every one (issue 16).
JOURNAL_PAGE_SIZE = 50
# The page number becomes an OFFSET: a hand-made number must stay within PostgreSQL's bigint.
JOURNAL_MAX_PAGE = 1_000_000


def _journal_page(case_access: CaseAccess, wanted: str | None) -> dict[str, Any]:
    """The journal's page ``wanted`` (a number from the query string; anything else: the
    first). One query, the page's entries and one more to tell whether older ones exist;
    no count."""
    try:
        number = min(max(1, int(wanted or 1)), JOURNAL_MAX_PAGE)
    except ValueError:
        number = 1
    start = (number - 1) * JOURNAL_PAGE_SIZE
    newest_first = _journal(case_access).order_by("-occurred_on", "-created_at", "-pk")
    rows = list(newest_first[start : start + JOURNAL_PAGE_SIZE + 1])
    entries = rows[:JOURNAL_PAGE_SIZE]
    return {
        "entries": entries,
        "number": number,
        "first": start + 1,
        "last": start + len(entries),
        "newer": number - 1 if number > 1 else None,
        "older": number + 1 if len(rows) > JOURNAL_PAGE_SIZE else None,
    }


def _split_panels(panels: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Panels marked ``top`` (the latest risk level) go right under the case facts."""
    return {
        "top_panels": [p for p in panels if p.get("top")],
        "panels": [p for p in panels if not p.get("top")],
    }


def _sections(panels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The section navigation of the case page, in page order: the fixed sections and each
    panel that names its ``anchor`` and ``title``."""

    def nav(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [(p["anchor"], str(p["title"])) for p in items if p.get("anchor")]

    split = _split_panels(panels)
    return [
        ("facts-heading", _("Ärendet")),
        *nav(split["top_panels"]),
        ("responsible-heading", _("Ansvariga")),
        ("people-heading", _("Personer")),
        *nav(split["panels"]),
        ("journal-heading", _("Journal")),
    ]


@login_required
@require_GET
def case_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = user_for_request(request)
    try:
        case_access = access.get_case_for_user(user, key, channel=access.Channel.DETAIL)
    except access.BreakGlassRequired as exc:
        context = {"case": exc.case, "min_length": MIN_REASON_LENGTH}
        return render(request, "cases/break_glass.html", context, status=200)
    case = case_access.case
    assign_form = None
    # A closed case is read-only: no edit actions (history and read-only pages stay).
    can_edit = case_access.may_edit and case.is_open
    # The responsible handlers and, for those who may assign, the unit's other handlers.
    may_assign = case_access.may_manage and can_edit
    responsible, candidates = services.case_page_handlers(
        case, [case.unit_id] if may_assign else None
    )
    if may_assign and candidates:
        assign_form = AssignHandlerForm(candidates=candidates)
    listing.summarise(user, [case], case_access=case_access)
    panels = case_panels(case_access)
    context = {
        "access": case_access,
        "sections": _sections(panels),
        "case": case,
        "can_edit": can_edit,
        "shows_persons": case_access.shows("scope_persons"),
        "scope_labels": [label for name, label in SCOPE_FIELDS.items() if case_access.shows(name)],
        "people": _people(case_access),
        "dwellings_only": _dwellings_only(case_access),
        "shows_measures": case_access.shows("scope_measures"),
        "next_follow_up": _next_follow_up(case_access),
        # Intelligence material: the view passes it to police readers only.
        "threat_picture": case.threat_picture if case_access.shows("internal") else None,
        "responsible": responsible,
        "assign_form": assign_form,
        "journal": _journal_page(case_access, request.GET.get("journal")),
        **_split_panels(panels),
    }
    return render(request, "cases/case_detail.html", context)
