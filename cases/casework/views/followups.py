"""Follow-ups and the user's "Att göra"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import user_for_request
from cases.access import CaseAccess
from cases.casework import forms, services
from cases.casework.services import (
    CaseClosedError,
    CaseworkPermissionError,
    ConflictError,
)
from cases.casework.views.common import (
    GET_POST,
    _case_url,
    _closed,
    _conflict_form,
    _ensure,
    _post,
    _render_form,
    _saved_rows,
    _sections,
)
from cases.models import FollowUp
from cases.viewutils import with_case

# --- follow-ups --------------------------------------------------------------------------------

FOLLOW_UP_FIELDS = ["kind", "due_date", "responsible_party", "assignee", "note"]


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
    form = forms.FollowUpForm(
        _post(request), case=case, parties=parties, actor=actor, case_access=case_access
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_follow_up(actor, case, **form.cleaned_data_without_version())
        except CaseClosedError:
            return _closed(request, case)
        except CaseworkPermissionError:
            raise Http404 from None
        messages.success(request, _("Uppföljningen är planerad."))
        return redirect(_case_url(case, "uppfoljningar"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Ny uppföljning"),
        submit=_("Spara uppföljningen"),
    )


def _follow_up(case_access: CaseAccess, pk: int) -> FollowUp:
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("assignee"), pk=pk, case=case_access.case
    )
    _ensure(services.may_change_row(case_access, follow_up))
    return follow_up


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
    kwargs: dict[str, Any] = {
        "case": case,
        "parties": services.editable_parties(case_access),
        "actor": actor,
        "current_due": follow_up.due_date,
        "case_access": case_access,
        "note_visible": services.shows_note(case_access, follow_up),
    }
    initial = {name: getattr(follow_up, name) for name in FOLLOW_UP_FIELDS}
    initial["note_shared"] = follow_up.note_shared
    if not kwargs["note_visible"]:
        initial.pop("note")
    initial["assignee"] = follow_up.assignee_id
    initial["version"] = follow_up.version
    form = forms.FollowUpForm(_post(request), initial=initial, **kwargs)
    saved_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_follow_up(
                actor,
                follow_up,
                expected_version=form.expected_version(),
                **form.cleaned_data_without_version(),
            )
        except CaseClosedError:
            return _closed(request, case)
        except CaseworkPermissionError:
            raise Http404 from None
        except ConflictError:
            follow_up = _follow_up(case_access, pk)
            form = _conflict_form(forms.FollowUpForm, request, follow_up.version, **kwargs)
            fields = [f for f in FOLLOW_UP_FIELDS if f != "note" or kwargs["note_visible"]]
            saved_rows = _saved_rows(follow_up, fields, case_access)
        else:
            messages.success(request, _("Uppföljningen är ändrad."))
            return redirect(_case_url(case, "uppfoljningar"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Ändra uppföljning"),
        submit=_("Spara ändringarna"),
        saved_rows=saved_rows,
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
    form = forms.CompleteFollowUpForm(_post(request), initial=initial)
    saved_rows = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            next_follow_up = services.complete_follow_up(
                user_for_request(request),
                follow_up,
                expected_version=form.expected_version(),
                done_on=data["done_on"],
                outcome=data["outcome"],
                next_due_date=data["next_due_date"],
                next_kind=data["next_kind"],
            )
        except CaseClosedError:
            return _closed(request, case)
        except CaseworkPermissionError:
            raise Http404 from None
        except ConflictError:
            follow_up = _follow_up(case_access, pk)
            if follow_up.done_on is not None:
                messages.warning(
                    request, _("Någon annan har redan markerat uppföljningen som utförd.")
                )
                return redirect(_case_url(case, "uppfoljningar"))
            form = _conflict_form(forms.CompleteFollowUpForm, request, follow_up.version)
            visible = services.shows_note(case_access, follow_up)
            fields = [f for f in FOLLOW_UP_FIELDS if f != "note" or visible]
            saved_rows = _saved_rows(follow_up, fields, case_access)
        else:
            messages.success(request, _("Uppföljningen är markerad som utförd."))
            if next_follow_up is None and not services.open_follow_ups(case).exists():
                messages.warning(
                    request,
                    _("Ärendet har nu ingen planerad uppföljning. Planera nästa uppföljning."),
                )
            return redirect(_case_url(case, "uppfoljningar"))
    return _render_form(
        request,
        case_access,
        form,
        title=_("Utför uppföljning: %(kind)s") % {"kind": follow_up.get_kind_display()},
        submit=_("Markera som utförd"),
        intro=_("Senast %(date)s.") % {"date": follow_up.due_date.isoformat()},
        sections=_sections(
            form,
            (None, ["done_on", "outcome"]),
            (_("Nästa uppföljning"), ["next_due_date", "next_kind"]),
        ),
        saved_rows=saved_rows,
    )


# --- Att göra ----------------------------------------------------------------------------------


@login_required
@require_GET
def todo(request: HttpRequest) -> HttpResponse:
    """All of the user's open follow-ups over cases they may open (one query)."""
    items = services.todo_for(user_for_request(request), horizon_days=None)
    return render(request, "cases/casework/todo.html", {"todo": items})
