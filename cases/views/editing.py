"""Editing the case, its change history and the handler's journal notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import services
from cases.access import CaseAccess
from cases.formpage import form_page, saved
from cases.forms import (
    CaseEditForm,
    JournalForm,
)
from cases.models import JournalEntry, Person
from cases.viewutils import with_case

# --- editing the case -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@with_case(need="edit", what="ändra ärende")
def case_edit(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    case = case_access.case
    initial = {
        "version": case.version,
        "category": case.category,
        "threat_picture": case.threat_picture,
        "restricted": case.restricted,
    }
    return form_page(
        request,
        make_form=lambda data: CaseEditForm(data, initial=initial),
        save=lambda form: services.update_case(
            case_access.user,
            case,
            version=form.cleaned_data["version"],
            category=form.cleaned_data["category"],
            threat_picture=form.cleaned_data["threat_picture"],
            restricted=form.cleaned_data["restricted"],
        ),
        show=lambda form, current: render(
            request, "cases/case_edit.html", {"case": case, "form": form, "saved": current}
        ),
        done=lambda _result: saved(
            request, _("Ärendet har sparats."), reverse("cases:detail", kwargs={"key": case.key})
        ),
        reload=lambda exc: exc.current,
    )


@login_required
@require_GET
@with_case(need="edit", what="historik", allow_closed=True)
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
@with_case(what="ny journalanteckning")
def journal_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    """Police who may edit, and social-services handlers within an active disclosure (their
    notes are always shared); the service decides (a break-the-glass reader gets 404)."""
    case = case_access.case
    if case_access.is_police and not case_access.may_edit:
        raise Http404
    if not case.is_open:
        messages.error(request, _("Ärendet är avslutat och kan inte ändras."))
        return redirect("cases:detail", key=case.key)
    shared_only = not case_access.is_police
    if request.method == "POST":
        data = request.POST.copy()
        if shared_only:
            data["visibility"] = JournalEntry.Visibility.SHARED
        form = JournalForm(data)
        if form.is_valid():
            services.add_journal_entry(case_access.user, case, **form.cleaned_data)
            messages.success(request, _("Journalanteckningen har sparats."))
            return redirect("cases:detail", key=case.key)
    else:
        form = JournalForm(initial={"occurred_on": timezone.localdate()})
    context = {"case": case, "form": form, "shared_only": shared_only}
    return render(request, "cases/journal_form.html", context)
