"""Follow-ups and the user's "Att göra"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import user_for_request
from cases import listing
from cases.access import CaseAccess
from cases.casework import forms, services
from cases.casework.views.common import (
    GET_POST,
    _case_url,
    _closed,
    _ensure,
    _render_form,
    _saved_rows,
    _sections,
)
from cases.formpage import form_page, saved
from cases.models import FollowUp
from cases.viewutils import with_case

# --- follow-ups --------------------------------------------------------------------------------

FOLLOW_UP_FIELDS = ["kind", "due_date", "responsible_party", "assignee", "note"]


def _done(request: HttpRequest, case: Any, message: str) -> Callable[[Any], HttpResponse]:
    return lambda _result: saved(request, message, _case_url(case, "uppfoljningar"))


@login_required
@require_http_methods(GET_POST)
@with_case(what="ny uppföljning")
def followup_add(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    parties = services.editable_parties(case_access)
    _ensure(bool(parties))
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    actor = user_for_request(request)
    return form_page(
        request,
        make_form=lambda data: forms.FollowUpForm(
            data, case=case, parties=parties, actor=actor, case_access=case_access
        ),
        save=lambda form: services.add_follow_up(
            actor, case, **form.cleaned_data_without_version()
        ),
        show=lambda form, _current: _render_form(
            request,
            case_access,
            form,
            title=_("Ny uppföljning"),
            submit=_("Spara uppföljningen"),
        ),
        done=_done(request, case, _("Uppföljningen är planerad.")),
        closed=lambda: _closed(request, case),
    )


def _follow_up(case_access: CaseAccess, pk: int) -> FollowUp:
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("assignee"), pk=pk, case=case_access.case
    )
    _ensure(services.may_change_row(case_access, follow_up))
    return follow_up


def _shown_fields(case_access: CaseAccess, follow_up: FollowUp) -> list[str]:
    """The saved version beside a conflict: without a note the reader may not read."""
    visible = services.shows_note(case_access, follow_up)
    return [name for name in FOLLOW_UP_FIELDS if name != "note" or visible]


@login_required
@require_http_methods(GET_POST)
@with_case(what="ändra uppföljning")
def followup_edit(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    follow_up = _follow_up(case_access, pk)
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    if follow_up.done_on is not None:
        messages.info(request, _("Uppföljningen är redan utförd och kan inte ändras."))
        return redirect(_case_url(case, "uppfoljningar"))
    actor = user_for_request(request)
    parties = services.editable_parties(case_access)
    note_visible = services.shows_note(case_access, follow_up)
    initial = {name: getattr(follow_up, name) for name in FOLLOW_UP_FIELDS}
    initial["assignee"] = follow_up.assignee_id
    initial["version"] = follow_up.version
    initial["note_shared"] = follow_up.note_shared
    if not note_visible:
        initial.pop("note")
    return form_page(
        request,
        make_form=lambda data: forms.FollowUpForm(
            data,
            initial=initial,
            case=case,
            parties=parties,
            actor=actor,
            current_due=follow_up.due_date,
            case_access=case_access,
            note_visible=note_visible,
        ),
        save=lambda form: services.update_follow_up(
            actor,
            follow_up,
            expected_version=form.expected_version(),
            **form.cleaned_data_without_version(),
        ),
        show=lambda form, current: _render_form(
            request,
            case_access,
            form,
            title=_("Ändra uppföljning"),
            submit=_("Spara ändringarna"),
            saved_rows=(
                _saved_rows(current, _shown_fields(case_access, current), case_access)
                if current
                else None
            ),
        ),
        done=_done(request, case, _("Uppföljningen är ändrad.")),
        reload=lambda _exc: _follow_up(case_access, pk),
        closed=lambda: _closed(request, case),
    )


@login_required
@require_http_methods(GET_POST)
@with_case(what="utför uppföljning")
def followup_complete(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    follow_up = _follow_up(case_access, pk)
    case = case_access.case
    if not case.is_open:
        return _closed(request, case)
    if follow_up.done_on is not None:
        messages.info(request, _("Uppföljningen är redan utförd."))
        return redirect(_case_url(case, "uppfoljningar"))
    initial = {"done_on": timezone.localdate(), "version": follow_up.version}

    def save(form: forms.CompleteFollowUpForm) -> FollowUp | None:
        data = form.cleaned_data
        return services.complete_follow_up(
            user_for_request(request),
            follow_up,
            expected_version=form.expected_version(),
            done_on=data["done_on"],
            outcome=data["outcome"],
            next_due_date=data["next_due_date"],
            next_kind=data["next_kind"],
        )

    def reload(_exc: Exception) -> FollowUp | HttpResponse:
        current = _follow_up(case_access, pk)
        if current.done_on is not None:
            messages.warning(request, _("Någon annan har redan markerat uppföljningen som utförd."))
            return redirect(_case_url(case, "uppfoljningar"))
        return current

    def done(next_follow_up: FollowUp | None) -> HttpResponse:
        messages.success(request, _("Uppföljningen är markerad som utförd."))
        if next_follow_up is None and not services.open_follow_ups(case).exists():
            messages.warning(
                request,
                _("Ärendet har nu ingen planerad uppföljning. Planera nästa uppföljning."),
            )
        return redirect(_case_url(case, "uppfoljningar"))

    def show(form: forms.CompleteFollowUpForm, current: FollowUp | None) -> HttpResponse:
        return _render_form(
            request,
            case_access,
            form,
            title=_("Utför uppföljning: %(kind)s")
            % {"kind": (current or follow_up).get_kind_display()},
            submit=_("Markera som utförd"),
            intro=_("Senast %(date)s.") % {"date": (current or follow_up).due_date.isoformat()},
            sections=_sections(
                form,
                (None, ["done_on", "outcome"]),
                (_("Nästa uppföljning"), ["next_due_date", "next_kind"]),
            ),
            saved_rows=(
                _saved_rows(current, _shown_fields(case_access, current), case_access)
                if current
                else None
            ),
        )

    return form_page(
        request,
        make_form=lambda data: forms.CompleteFollowUpForm(data, initial=initial),
        save=save,
        show=show,
        done=done,
        reload=reload,
        closed=lambda: _closed(request, case),
    )


# --- Att göra ----------------------------------------------------------------------------------


@login_required
@require_GET
def todo(request: HttpRequest) -> HttpResponse:
    """All of the user's open follow-ups over cases they may open (one query)."""
    user = user_for_request(request)
    items = services.todo_for(user, horizon_days=None)
    listing.summarise(user, [item.case for item in items])
    return render(request, "cases/casework/todo.html", {"todo": items})
