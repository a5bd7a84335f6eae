"""What the case-work pages share: the closed-case answer, the form page and the
saved-version box shown beside a form after a conflict (the page skeleton itself is
``cases.formpage.form_page``, the conflict form ``cases.formfields.conflict_form``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from cases.access import CaseAccess
from cases.casework import services
from cases.casework.services import CaseClosedError
from cases.models import (
    Participant,
    ProtectionCase,
)
from cases.recipients import shown_user

GET_POST = ["GET", "POST"]


def _case_url(case: ProtectionCase, anchor: str = "arendearbete") -> str:
    return reverse("cases:detail", kwargs={"key": case.key}) + f"#{anchor}"


def _closed(request: HttpRequest, case: ProtectionCase) -> HttpResponse:
    messages.error(request, str(CaseClosedError(case)))
    return redirect(_case_url(case))


def _ensure(allowed: bool) -> None:
    """The reader may open the case but not this part of it: as if it did not exist."""
    if not allowed:
        raise Http404


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _display(value: Any, case_access: CaseAccess) -> str:
    if isinstance(value, Participant):
        return services.participant_label(value, case_access)
    if isinstance(value, User):
        return shown_user(case_access, value)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, date):
        return value.isoformat()
    if value in (None, ""):
        return "–"
    return str(value)


def _saved_rows(obj: Model, fields: list[str], case_access: CaseAccess) -> list[tuple[str, str]]:
    """What is saved now, shown beside the user's own text after an edit conflict."""
    rows = []
    for name in fields:
        field = obj._meta.get_field(name)
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(obj, name)
        rows.append(
            (str(getattr(field, "verbose_name", name)).capitalize(), _display(value, case_access))
        )
    return rows


def _sections(form: Any, *groups: tuple[str | None, list[str]]) -> list[dict[str, Any]]:
    return [
        {"legend": legend, "fields": [form[name] for name in names]} for legend, names in groups
    ]


def _render_form(
    request: HttpRequest,
    case_access: CaseAccess,
    form: Any,
    *,
    title: str,
    submit: str,
    sections: list[dict[str, Any]] | None = None,
    template: str = "cases/casework/form.html",
    **extra: Any,
) -> HttpResponse:
    context = {
        "access": case_access,
        "case": case_access.case,
        "form": form,
        "title": title,
        "submit": submit,
        "sections": sections or [{"legend": None, "fields": list(form.visible_fields())}],
        "cancel_url": _case_url(case_access.case),
        **extra,
    }
    return render(request, template, context)
