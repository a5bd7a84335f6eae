"""The case list, the person search and the intake of a new case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import user_for_request
from accounts.models import Organisation, User
from cases import access, errors, listing, services
from cases.casework.services import is_contact_ban_term, with_contact_ban
from cases.forms import (
    CaseFilterForm,
    IntakeForm,
    NameSearchForm,
    ParticipantDetailsForm,
    PersonForm,
    PersonnummerSearchForm,
)
from cases.models import ProtectionCase, ProtectionCaseUserObjectPermission
from cases.views.common import PAGE_SIZE, tell_person_matches

# --- list and search ------------------------------------------------------------------------

# What a list row reads of a case (cases/templatetags/summary_tags.case_rows, listing.summarise).
ROW_FIELDS = ("key", "reference", "unit_id", "category", "status", "restricted", "opened_on")


def _search_forms(
    data: QueryDict | None = None, kind: str = ""
) -> tuple[NameSearchForm, PersonnummerSearchForm]:
    return (
        NameSearchForm(data if kind == "name" else None, prefix="namn"),
        PersonnummerSearchForm(data if kind == "personnummer" else None, prefix="pnr"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    """The unit's cases (reference, category, status, responsible, next follow-up – never a
    name: a colleague may list cases they may not open).

    The filter form posts, like the person search: its keyword field is free text, and a
    name typed there must not enter a URL, a browser history or the server log. A GET keeps
    the choice filters (status, category, responsible, mine) that links may carry, but never
    reads a keyword from the query string."""
    user = user_for_request(request)
    handlers = services.filter_handler_choices(access.police_unit_ids(user))
    posted = request.method == "POST"
    source: QueryDict = request.POST.copy() if posted else request.GET.copy()
    if not posted:
        source.pop("reference", None)
    form = CaseFilterForm(source or None, handlers=handlers)
    cases, disclosed = access.list_access(user)
    if form.is_valid():
        data = form.cleaned_data
        term = (data.get("reference") or "").strip()
        if term and is_contact_ban_term(term):
            # "besöksförbud" is the old name of kontaktförbud: both find the cases that have one.
            cases = with_contact_ban(cases)
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
    # The page's ids come from the (unit, opened_on, number) indexes alone; only its 50 rows
    # are read, with the columns a row shows (listing.BoundedPaginator).
    ids = cases.order_by("-opened_on", "-number").values_list("pk", flat=True)
    shown = ProtectionCase.objects.only(*ROW_FIELDS)
    page = listing.BoundedPaginator(ids, shown, PAGE_SIZE).get_page(source.get("sida"))
    rows = listing.summarise(user, page.object_list, disclosed, responsible_names=True)
    query = source.copy()
    for name in ("sida", "csrfmiddlewaretoken"):
        query.pop(name, None)
    name_form, pnr_form = _search_forms()
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "cases": rows,
            # A posted filter pages by POST too (its keyword stays out of the URL).
            "posted": posted,
            "query": "" if posted else query.urlencode(),
            "carried": [(k, v) for k in query for v in query.getlist(k)] if posted else [],
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
        {
            "name_form": name_form,
            "pnr_form": pnr_form,
            "kind": kind,
            "hits": hits,
            # The search shows at most this many cases, the newest first: the page says so.
            "search_limit": services.SEARCH_LIMIT,
        },
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
    actor_details = ParticipantDetailsForm(data, prefix="hotutovare")
    context = {
        "form": form,
        "protected_form": protected,
        "actor_form": actor,
        "actor_details_form": actor_details,
    }
    if data is not None:
        valid = all(
            [form.is_valid(), protected.is_valid(), actor.is_valid(), actor_details.is_valid()]
        )
        if valid:
            matches: list[services.PersonMatch] = []
            try:
                case = services.open_case(
                    user,
                    unit=form.cleaned_data["unit"],
                    category=form.cleaned_data["category"],
                    threat_picture=form.cleaned_data["threat_picture"],
                    restricted=form.cleaned_data["restricted"],
                    responsible=list(form.cleaned_data["responsible"]),
                    protected=protected.cleaned_data,
                    threat_actor=actor.cleaned_data if actor.has_changed() else None,
                    threat_actor_details=actor_details.cleaned_data,
                    matches=matches,
                )
            except errors.Invalid as exc:
                if exc.field in actor_details.fields:
                    actor_details.add_error(exc.field, exc.message)
                else:
                    actor.add_error(exc.field if exc.field in actor.fields else None, exc.message)
                return render(request, "cases/case_create.html", context)
            messages.success(
                request,
                _("Skyddsärendet har skapats med diarienummer %(ref)s.") % {"ref": case.reference},
            )
            tell_person_matches(request, matches)
            return redirect("cases:detail", key=case.key)
    return render(request, "cases/case_create.html", context)
