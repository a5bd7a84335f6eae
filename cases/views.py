"""Case list, intake, case page and the case's sub-pages. Access is decided in cases/access.py
only: every view that touches a case resolves it through ``access.get_case_for_user`` (directly
or through ``with_case``) before reading anything, and 404s otherwise. Views stay thin: form
→ service → redirect.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import user_for_request
from accounts.models import Organisation, User
from cases import access, services
from cases.access import CaseAccess
from cases.casework.services import case_ids_with_contact_ban, is_contact_ban_term
from cases.forms import (
    AssignHandlerForm,
    CaseEditForm,
    CaseFilterForm,
    DwellingForm,
    IntakeForm,
    JournalForm,
    NameSearchForm,
    ParticipantForm,
    PersonEditForm,
    PersonForm,
    PersonnummerSearchForm,
)
from cases.models import (
    FollowUp,
    JournalEntry,
    Participant,
    Person,
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
    SecretDwelling,
)
from cases.models.disclosure import SCOPE_FIELDS
from cases.panels import case_panels
from cases.viewutils import with_case

PAGE_SIZE = 50
ROLE_ORDER = [
    Participant.Role.PROTECTED,
    Participant.Role.RELATIVE,
    Participant.Role.CHILD,
    Participant.Role.THREAT_ACTOR,
]
CONFLICT = gettext_lazy(
    "Någon annan har sparat ändringar medan du redigerade. Dina ändringar är INTE sparade, "
    "men allt du skrev finns kvar nedan. Jämför med det som är sparat nu och spara igen "
    "om dina uppgifter ska gälla."
)


def _role_ordering() -> Case:
    return Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)],
        output_field=IntegerField(),
    )


def with_responsible(cases: QuerySet[ProtectionCase]) -> QuerySet[ProtectionCase]:
    """Prefetch the responsible handlers in one query, however many cases are listed, and
    annotate the next open follow-up's due date (a subquery, not a query per row)."""
    next_due = (
        FollowUp.objects.filter(case=OuterRef("pk"), done_on__isnull=True)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    return (
        cases.select_related("unit")
        .annotate(next_follow_up=Subquery(next_due))
        .prefetch_related(
            Prefetch(
                "protectioncaseuserobjectpermission_set",
                queryset=ProtectionCaseUserObjectPermission.objects.filter(
                    permission__codename="change_protectioncase"
                )
                .select_related("user")
                .order_by("user__full_name"),
                to_attr="responsible_perms",
            )
        )
    )


# --- list and search ------------------------------------------------------------------------


def _search_forms(
    data: QueryDict | None = None, kind: str = ""
) -> tuple[NameSearchForm, PersonnummerSearchForm]:
    return (
        NameSearchForm(data if kind == "name" else None, prefix="namn"),
        PersonnummerSearchForm(data if kind == "personnummer" else None, prefix="pnr"),
    )


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The unit's cases (reference, category, status, responsible, next follow-up – never a
    name: a colleague may list cases they may not open). Filters go in the URL; names and
    personnummer never do (the person search posts)."""
    user = user_for_request(request)
    handlers = services.unit_handlers(access.police_unit_ids(user))
    form = CaseFilterForm(request.GET or None, handlers=handlers)
    cases = access.listable_cases(user)
    if form.is_valid():
        data = form.cleaned_data
        term = (data.get("reference") or "").strip()
        if term and is_contact_ban_term(term):
            # "besöksförbud" is the old name of kontaktförbud: both find the cases that have one.
            cases = cases.filter(pk__in=case_ids_with_contact_ban(cases))
        elif term:
            cases = cases.filter(reference__icontains=term)
        if data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("category"):
            cases = cases.filter(category=data["category"])
        if data.get("responsible"):
            cases = cases.filter(
                pk__in=ProtectionCaseUserObjectPermission.objects.filter(
                    user_id=data["responsible"], permission__codename="change_protectioncase"
                ).values("content_object_id")
            )
        if data.get("mine"):
            cases = cases.filter(pk__in=access.assigned_cases(user).values("pk"))
    cases = with_responsible(cases).order_by("-opened_on", "-number")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    name_form, pnr_form = _search_forms()
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "cases": page.object_list,
            "query": query.urlencode(),
            "may_open_cases": bool(access.police_unit_ids(user)),
            "name_form": name_form,
            "pnr_form": pnr_form,
        },
    )


@login_required
@require_POST
def person_search(request: HttpRequest) -> HttpResponse:
    """Search by name or by exact personnummer, by POST so the term never enters a URL."""
    user = user_for_request(request)
    kind = "personnummer" if request.POST.get("kind") == "personnummer" else "name"
    name_form, pnr_form = _search_forms(request.POST, kind)
    form = pnr_form if kind == "personnummer" else name_form
    hits = None
    if form.is_valid():
        if kind == "personnummer":
            hits = services.search_persons(user, personnummer=form.cleaned_data["personnummer"])
        else:
            hits = services.search_persons(user, name=form.cleaned_data["name"])
    return render(
        request,
        "cases/search_results.html",
        {"name_form": name_form, "pnr_form": pnr_form, "kind": kind, "hits": hits},
    )


# --- intake ---------------------------------------------------------------------------------


def _intake_choices(user: User) -> tuple[list[Organisation], dict[int, list[User]]]:
    unit_ids = access.police_unit_ids(user)
    units = list(Organisation.objects.filter(pk__in=unit_ids).order_by("name"))
    return units, {unit.pk: services.unit_handlers([unit.pk]) for unit in units}


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    """Nytt skyddsärende: the case, the protected person and optionally a threat actor."""
    user = user_for_request(request)
    units, handlers_by_unit = _intake_choices(user)
    if not units:
        raise Http404  # only members of a police unit open cases
    data = request.POST if request.method == "POST" else None
    form = IntakeForm(data, units=units, handlers_by_unit=handlers_by_unit, me=user)
    protected = PersonForm(data, prefix="skyddsperson")
    actor = PersonForm(
        data, prefix="hotutovare", empty_permitted=True, use_required_attribute=False
    )
    if data is not None:
        valid = all([form.is_valid(), protected.is_valid(), actor.is_valid()])
        if valid:
            case = services.open_case(
                user,
                unit=form.cleaned_data["unit"],
                category=form.cleaned_data["category"],
                threat_picture=form.cleaned_data["threat_picture"],
                restricted=form.cleaned_data["restricted"],
                responsible=list(form.cleaned_data["responsible"]),
                protected=protected.cleaned_data,
                threat_actor=actor.cleaned_data if actor.has_changed() else None,
            )
            messages.success(
                request,
                _("Skyddsärendet har skapats med diarienummer %(ref)s.") % {"ref": case.reference},
            )
            return redirect("cases:detail", key=case.key)
    return render(
        request,
        "cases/case_create.html",
        {"form": form, "protected_form": protected, "actor_form": actor},
    )


# --- the case page --------------------------------------------------------------------------


def _dwellings_only(case_access: CaseAccess) -> list[SecretDwelling]:
    """A disclosure of the secret dwelling without the persons: the dwellings, no names."""
    if case_access.shows("scope_persons") or not case_access.shows("scope_secret_dwelling"):
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
    participants = (
        case_access.case.participants.select_related("person")
        .prefetch_related("person__secret_dwellings")
        .order_by(_role_ordering(), "created_at")
    )
    people: dict[int, dict[str, Any]] = {}
    for participant in participants:
        entry = people.get(participant.person_id)
        if entry is None:
            person = participant.person
            entry = people[participant.person_id] = {
                "person": person,
                "participants": [],
                "dwellings": [
                    d for d in person.secret_dwellings.all() if case_access.sees_dwelling(d)
                ],
                "show_address": case_access.is_police or not person.address_is_suppressed,
            }
        entry["participants"].append(participant)
        if participant.role != Participant.Role.THREAT_ACTOR:
            entry["may_have_dwelling"] = True
    return list(people.values())


def _journal(case_access: CaseAccess) -> QuerySet[JournalEntry]:
    entries = case_access.case.journal.select_related("author", "author_organisation")
    if not case_access.shows("internal"):
        # Social services read shared entries only, never police-internal ones, and only
        # those written while one of their own disclosures was valid: an earlier note may
        # say where the person lived before (and so where they moved from).
        earliest = min(d.valid_from for d in case_access.disclosures)
        entries = entries.filter(
            visibility=JournalEntry.Visibility.SHARED, created_at__date__gte=earliest
        )
    return entries


def _split_panels(panels: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Panels marked ``top`` (the latest risk level) go right under the case facts."""
    return {
        "top_panels": [p for p in panels if p.get("top")],
        "panels": [p for p in panels if not p.get("top")],
    }


@login_required
@require_GET
def case_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = user_for_request(request)
    try:
        case_access = access.get_case_for_user(user, key, channel=access.Channel.DETAIL)
    except access.BreakGlassRequired as exc:
        return render(request, "cases/break_glass.html", {"case": exc.case}, status=200)
    case = case_access.case
    responsible = services.responsible_handlers(case)
    assign_form = None
    if case_access.may_manage:
        candidates = [
            u for u in services.unit_handlers([case.unit_id]) if u not in set(responsible)
        ]
        assign_form = AssignHandlerForm(candidates=candidates) if candidates else None
    context = {
        "access": case_access,
        "case": case,
        "shows_persons": case_access.shows("scope_persons"),
        "scope_labels": [label for name, label in SCOPE_FIELDS.items() if case_access.shows(name)],
        "people": _people(case_access),
        "dwellings_only": _dwellings_only(case_access),
        "shows_measures": case_access.shows("scope_measures"),
        "next_follow_up": (
            case.follow_ups.filter(done_on__isnull=True).order_by("due_date").first()
            if case_access.shows("scope_measures")
            else None
        ),
        # Intelligence material: the view passes it to police readers only.
        "threat_picture": case.threat_picture if case_access.shows("internal") else None,
        "responsible": responsible,
        "assign_form": assign_form,
        "journal_entries": _journal(case_access),
        **_split_panels(case_panels(case_access)),
    }
    return render(request, "cases/case_detail.html", context)


# --- editing the case -----------------------------------------------------------------------


def _conflict_form(form_class: Any, request: HttpRequest, version: int, **kwargs: Any) -> Any:
    """The user's form again, as typed, now carrying the saved version: a second save is a
    deliberate overwrite, made after seeing what the other person saved."""
    data = request.POST.copy()
    prefix = kwargs.get("prefix")
    data[f"{prefix}-version" if prefix else "version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, CONFLICT)
    return form


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="ändra ärende")
def case_edit(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    case = case_access.case
    saved = None
    if request.method == "POST":
        form = CaseEditForm(request.POST)
        if form.is_valid():
            try:
                services.update_case(
                    case_access.user,
                    case,
                    version=form.cleaned_data["version"],
                    category=form.cleaned_data["category"],
                    threat_picture=form.cleaned_data["threat_picture"],
                    restricted=form.cleaned_data["restricted"],
                )
            except services.ConflictError as exc:
                saved = exc.current
                form = _conflict_form(CaseEditForm, request, saved.version)
            else:
                messages.success(request, _("Ärendet har sparats."))
                return redirect("cases:detail", key=case.key)
    else:
        form = CaseEditForm(
            initial={
                "version": case.version,
                "category": case.category,
                "threat_picture": case.threat_picture,
                "restricted": case.restricted,
            }
        )
    return render(request, "cases/case_edit.html", {"case": case, "form": form, "saved": saved})


@login_required
@require_GET
@with_case(need="edit", what="historik")
def case_history(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    """Who changed what, when – for the responsible handlers and the head. The history holds
    field names, never the values of protected fields (see services.change_reason)."""
    if not case_access.may_manage:
        raise Http404
    case = case_access.case
    case_rows = case.history.select_related("history_user").order_by("-history_date")
    participants = list(case.participants.select_related("person").order_by("created_at"))
    joined: dict[int, Any] = {}
    labels: dict[int, str] = {}
    for participant in participants:
        joined.setdefault(participant.person_id, participant.created_at)
        role = participant.get_role_display().lower()
        labels[participant.person_id] = (
            f"{labels[participant.person_id]}, {role}"
            if participant.person_id in labels
            else f"{participant.person.full_name} ({role}"
        )
    labels = {pk: f"{label})" for pk, label in labels.items()}
    unit_user_ids = {u.pk for u in services.unit_handlers([case.unit_id])}
    person_rows = []
    for row in (
        Person.history.filter(id__in=list(joined))
        .select_related("history_user")
        .order_by("-history_date")
    ):
        # Only what happened since the person joined this case (the person row is written a
        # moment before the participant row): earlier history belongs to other cases.
        if row.history_date < joined[row.id] - timedelta(minutes=1):
            continue
        user = row.history_user
        person_rows.append(
            {
                "row": row,
                "label": labels[row.id],
                # A person can be in another unit's case too: do not name that unit's staff.
                "user": user.full_name
                if user and user.pk in unit_user_ids
                else (_("Användare utanför enheten") if user else "–"),
            }
        )
    return render(
        request,
        "cases/case_history.html",
        {"case": case, "case_rows": case_rows, "person_rows": person_rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="ny journalanteckning")
def journal_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    case = case_access.case
    if request.method == "POST":
        form = JournalForm(request.POST)
        if form.is_valid():
            services.add_journal_entry(case_access.user, case, **form.cleaned_data)
            messages.success(request, _("Journalanteckningen har sparats."))
            return redirect("cases:detail", key=case.key)
    else:
        form = JournalForm(initial={"occurred_on": timezone.localdate()})
    return render(request, "cases/journal_form.html", {"case": case, "form": form})


# --- participants and persons ---------------------------------------------------------------


def _case_persons(case: ProtectionCase) -> list[tuple[Person, str]]:
    persons: dict[int, tuple[Person, list[str]]] = {}
    for participant in case.participants.select_related("person").order_by(
        _role_ordering(), "created_at"
    ):
        entry = persons.setdefault(participant.person_id, (participant.person, []))
        entry[1].append(participant.get_role_display().lower())
    return [(p, f"{p.full_name} ({', '.join(roles)})") for p, roles in persons.values()]


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="ny deltagare")
def participant_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    case = case_access.case
    persons = _case_persons(case)
    data = request.POST if request.method == "POST" else None
    form = ParticipantForm(data, persons=persons)
    person_form = PersonForm(data, prefix="person")
    if data is not None and form.is_valid():
        existing = form.existing_person()
        if existing is not None or person_form.is_valid():
            try:
                services.add_participant(
                    case_access.user,
                    case,
                    role=form.cleaned_data["role"],
                    person=existing,
                    person_data=None if existing else person_form.cleaned_data,
                    note=form.cleaned_data["note"],
                )
            except ValueError as exc:
                form.add_error("role", str(exc))
            else:
                messages.success(request, _("Deltagaren har lagts till."))
                return redirect("cases:detail", key=case.key)
    elif data is not None:
        person_form.is_valid()  # show every error at once
    return render(
        request,
        "cases/participant_add.html",
        {"case": case, "form": form, "person_form": person_form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="ta bort deltagare")
def participant_remove(
    request: HttpRequest, case_access: CaseAccess, participant_id: int
) -> HttpResponse:
    case = case_access.case
    participant = (
        Participant.objects.filter(case=case, pk=participant_id).select_related("person").first()
    )
    if participant is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.remove_participant(case_access.user, case, participant)
        except ValueError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Deltagaren har tagits bort från ärendet."))
            return redirect("cases:detail", key=case.key)
    return render(
        request,
        "cases/participant_remove.html",
        {"case": case, "participant": participant, "error": error},
    )


def _case_person(case: ProtectionCase, person_key: str) -> tuple[Person, list[Participant]]:
    participants = list(
        Participant.objects.filter(case=case, person__key=person_key).select_related("person")
    )
    if not participants:
        raise Http404
    return participants[0].person, participants


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="ändra person")
def person_edit(request: HttpRequest, case_access: CaseAccess, person_key: str) -> HttpResponse:
    case = case_access.case
    person, participants = _case_person(case, person_key)
    saved = None
    if request.method == "POST":
        form = PersonEditForm(request.POST, instance=person)
        if form.is_valid():
            try:
                services.update_person(
                    case_access.user,
                    case,
                    person,
                    version=form.cleaned_data["version"],
                    data=form.cleaned_data,
                )
            except services.ConflictError as exc:
                saved = exc.current
                form = _conflict_form(PersonEditForm, request, saved.version, instance=saved)
            else:
                messages.success(request, _("Personuppgifterna har sparats."))
                return redirect("cases:detail", key=case.key)
    else:
        form = PersonEditForm(instance=person, initial={"version": person.version})
    return render(
        request,
        "cases/person_edit.html",
        {
            "case": case,
            "person": saved or person,
            "participants": participants,
            "form": form,
            "saved": saved,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="nytt hemligt boende")
def dwelling_add(request: HttpRequest, case_access: CaseAccess, person_key: str) -> HttpResponse:
    case = case_access.case
    person, participants = _case_person(case, person_key)
    data = request.POST if request.method == "POST" else None
    form = DwellingForm(data, may_mark_police_only=case_access.is_assigned)
    if data is not None and form.is_valid():
        services.add_dwelling(case_access.user, case, person, form.cleaned_data)
        messages.success(request, _("Det hemliga boendet har registrerats."))
        return redirect("cases:detail", key=case.key)
    return render(
        request,
        "cases/dwelling_form.html",
        {"case": case, "person": person, "participants": participants, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="ta bort hemligt boende")
def dwelling_remove(
    request: HttpRequest, case_access: CaseAccess, dwelling_id: int
) -> HttpResponse:
    case = case_access.case
    dwelling = (
        SecretDwelling.objects.filter(pk=dwelling_id, case=case).select_related("person").first()
    )
    if dwelling is None or not case_access.sees_dwelling(dwelling):
        raise Http404
    if request.method == "POST":
        services.remove_dwelling(case_access.user, case, dwelling)
        messages.success(request, _("Det hemliga boendet har tagits bort."))
        return redirect("cases:detail", key=case.key)
    return render(request, "cases/dwelling_remove.html", {"case": case, "dwelling": dwelling})


# --- responsible handlers -------------------------------------------------------------------


@login_required
@require_POST
@with_case(need="edit", what="tilldela handläggare")
def assign_handler(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    if not case_access.may_manage:
        raise Http404
    case = case_access.case
    current = set(services.responsible_handlers(case))
    candidates = [u for u in services.unit_handlers([case.unit_id]) if u not in current]
    form = AssignHandlerForm(request.POST, candidates=candidates)
    if form.is_valid():
        services.assign_handler(case_access.user, case, form.cleaned_data["handler"])
        messages.success(request, _("Handläggaren har tilldelats ärendet."))
    else:
        messages.error(request, _("Välj en handläggare i listan."))
    return redirect("cases:detail", key=case.key)


@login_required
@require_POST
@with_case(need="edit", what="ta bort handläggare")
def unassign_handler(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    if not case_access.may_manage:
        raise Http404
    case = case_access.case
    current = {str(u.pk): u for u in services.responsible_handlers(case)}
    handler = current.get(request.POST.get("handler", ""))
    if handler is None:
        messages.error(request, _("Välj en ansvarig handläggare."))
        return redirect("cases:detail", key=case.key)
    try:
        services.unassign_handler(case_access.user, case, handler)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Handläggaren är inte längre ansvarig för ärendet."))
    return redirect("cases:detail", key=case.key)
