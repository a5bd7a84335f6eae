"""Participants, persons, secret dwellings and the responsible handlers of a case."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import errors, services
from cases.access import CaseAccess
from cases.formpage import form_page, saved
from cases.forms import (
    AssignHandlerForm,
    DwellingForm,
    ParticipantForm,
    PersonEditForm,
    PersonForm,
)
from cases.models import (
    Participant,
    Person,
    ProtectionCase,
    SecretDwelling,
)
from cases.models.persons import CONTACT_FIELDS
from cases.views.common import _role_ordering, tell_person_matches
from cases.viewutils import with_case

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
    # Protection follows the family: a child or relative is proposed the protected
    # person's level (the handler may change it; the journal records a change).
    role = request.GET.get("roll", "")
    initial_role = role if role in Participant.Role.values else ""
    proposal = services.proposed_protection(case, Participant.Role.CHILD)
    form = ParticipantForm(data, persons=persons, initial={"role": initial_role})
    person_initial = {}
    if initial_role in services.FAMILY_ROLES:
        person_initial["protection"] = proposal
    person_form = PersonForm(data, prefix="person", initial=person_initial)
    if proposal != Person.Protection.NONE:
        widget = person_form.fields["protection"].widget
        widget.attrs["data-proposed-protection"] = proposal
        widget.attrs["data-proposed-roles"] = " ".join(services.FAMILY_ROLES)
        widget.attrs["data-role-field"] = form["role"].auto_id
        person_form.fields["protection"].help_text = _(
            "Skyddspersonen har %(level)s: samma skyddsnivå föreslås för barn och "
            "närstående. Ändra om den inte gäller personen."
        ) % {"level": str(Person.Protection(proposal).label).lower()}
    if data is not None and form.is_valid():
        existing = form.existing_person()
        if existing is not None or person_form.is_valid():
            matches: list[services.PersonMatch] = []
            try:
                services.add_participant(
                    case_access.user,
                    case,
                    role=form.cleaned_data["role"],
                    person=existing,
                    person_data=None if existing else person_form.cleaned_data,
                    note=form.cleaned_data["note"],
                    relationship=form.cleaned_data["relationship"],
                    matches=matches,
                )
            except errors.Invalid as exc:
                form.add_error("role", str(exc))
            else:
                messages.success(request, _("Deltagaren har lagts till."))
                tell_person_matches(request, matches)
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
        except errors.Invalid as exc:
            error = str(exc)
        else:
            messages.success(request, _("Deltagaren har tagits bort från ärendet."))
            return redirect("cases:detail", key=case.key)
    removal = services.removal_of(case_access, participant)
    return render(
        request,
        "cases/participant_remove.html",
        {
            "case": case,
            "participant": participant,
            "removal": removal,
            "error": error if not removal.blockers else "",
        },
        status=200,
    )


def _case_person(case: ProtectionCase, person_key: str) -> tuple[Person, list[Participant]]:
    participants = list(
        Participant.objects.filter(case=case, person__key=person_key)
        .select_related("person")
        .order_by("pk")
    )
    if not participants:
        raise Http404
    return participants[0].person, participants


def _contact_initial(row: Participant) -> dict[str, Any]:
    return {name: getattr(row, name) for name in CONTACT_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="ändra person")
def person_edit(request: HttpRequest, case_access: CaseAccess, person_key: str) -> HttpResponse:
    """The person's identity (shared by every case of theirs) and THIS case's contact
    details (the participant rows here; another case's details are never loaded)."""
    case = case_access.case
    person, participants = _case_person(case, person_key)
    # After a conflict the form is built on the saved rows.
    instance: dict[str, Any] = {"row": person, "contact": participants[0], "reloaded": False}

    def make_form(data: Any) -> PersonEditForm:
        if data is None:
            initial = {
                "version": person.version,
                "contact_version": participants[0].contact_version,
                **_contact_initial(participants[0]),
            }
            return PersonEditForm(instance=person, initial=initial)
        if instance["reloaded"]:
            data = data.copy()
            data["contact_version"] = str(instance["contact"].contact_version)
        return PersonEditForm(data, instance=instance["row"])

    def reload(exc: errors.Conflict) -> Person:
        instance["row"] = exc.current
        instance["contact"] = (
            Participant.objects.filter(case=case, person=exc.current).order_by("pk").first()
        )
        instance["reloaded"] = True
        return exc.current  # type: ignore[no-any-return]

    def show(form: PersonEditForm, current: Person | None) -> HttpResponse:
        context = {
            "case": case,
            "person": current or person,
            "participants": participants,
            "form": form,
            "saved": current,
            "saved_contact": instance["contact"] if current else None,
        }
        return render(request, "cases/person_edit.html", context)

    return form_page(
        request,
        make_form=make_form,
        save=lambda form: services.update_person(
            case_access.user,
            case,
            person,
            version=form.cleaned_data["version"],
            contact_version=form.cleaned_data["contact_version"],
            data=form.cleaned_data,
        ),
        show=show,
        done=lambda _result: saved(
            request,
            _("Personuppgifterna har sparats."),
            reverse("cases:detail", kwargs={"key": case.key}),
        ),
        reload=reload,
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
    current = services.responsible_handlers(case)
    candidates = services.unit_handler_choices([case.unit_id], leave_out=current)
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
    except errors.Invalid as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Handläggaren är inte längre ansvarig för ärendet."))
    return redirect("cases:detail", key=case.key)
