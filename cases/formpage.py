"""The one skeleton of a page that adds or changes something through a form.

    GET  → the form (with what is saved, for an edit);
    POST → validate; save through the service, handing it the version the user loaded;
           a conflict → the user's form again, as typed, now carrying the saved version,
           shown beside what is saved now; a closed case → the page's own answer;
           saved → a message and a redirect.

Every add and edit page of the case work, the case and its persons, and the alarm devices
goes through ``form_page``; a view only says how to build its form, how to save, where to
go and how to show the page. The service still decides everything (access, closed case,
version): whatever ``DomainError`` the page does not answer itself reaches
``skydd.middleware.DomainErrorMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cases.errors import CaseClosed, Conflict
from cases.formfields import CONFLICT, conflict_form


def form_page[F: forms.BaseForm](
    request: HttpRequest,
    *,
    make_form: Callable[[Any], F],
    save: Callable[[F], Any],
    show: Callable[[F, Any], HttpResponse],
    done: Callable[[Any], HttpResponse],
    reload: Callable[[Conflict], Any] | None = None,
    closed: Callable[[], HttpResponse] | None = None,
    conflict_message: Any = CONFLICT,
) -> HttpResponse:
    """Run the page. ``make_form(data)`` builds the form (``data`` is ``None`` on GET);
    ``save(form)`` calls the service and returns its result, handed to ``done(result)``
    (which answers, usually with ``saved(...)``); ``show(form, current)`` renders the page,
    ``current`` being the saved row after a conflict (else ``None``).

    ``reload(exc)`` re-reads the row after a ``Conflict`` – it may instead return a response
    (e.g. "someone else already completed it"). Without ``reload`` a conflict is left to the
    middleware. ``closed()`` answers a ``CaseClosed`` raised by the service."""
    data = request.POST if request.method == "POST" else None
    form = make_form(data)
    if data is None or not form.is_valid():
        return show(form, None)
    try:
        result = save(form)
    except CaseClosed:
        if closed is None:
            raise
        return closed()
    except Conflict as exc:
        if reload is None:
            raise
        current = reload(exc)
        if isinstance(current, HttpResponse):
            return current
        form = conflict_form(
            make_form, request, current.version, prefix=form.prefix, message=conflict_message
        )
        return show(form, current)
    return done(result)


def saved(request: HttpRequest, message: Any, to: str) -> HttpResponse:
    """The usual ``done``: a success message and a redirect."""
    messages.success(request, message)
    return redirect(to)
