"""The decorator every case view uses: resolve access first, then run the view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.http import user_for_request
from cases import access
from cases.access import CaseAccess, Need

CaseView = Callable[..., HttpResponse]


def with_case(
    *,
    need: Need = "view",
    channel: str = access.Channel.PART,
    what: str = "",
    allow_closed: bool = False,
) -> Callable[[CaseView], Callable[..., HttpResponse]]:
    """Resolve ``key`` through cases.access and call ``view(request, case_access, ...)``.

    The access record is written (autocommit) before the view reads anything, so a read is
    never unlogged; a crash afterwards over-reports rather than under-reports. A unit
    colleague without break-the-glass is sent to the case page, which asks for a reason.
    A closed case is read-only: an edit view (``need="edit"``) sends the reader back to the
    case page with a message, unless the view is one that acts on closed cases
    (``allow_closed``: reopening, legal hold, withdrawing a disclosure).
    """

    def decorator(view: CaseView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, key: str, *args: Any, **kwargs: Any) -> HttpResponse:
            user = user_for_request(request)
            try:
                case_access: CaseAccess = access.get_case_for_user(
                    user, key, channel=channel, what=what or view.__name__, need=need
                )
            except access.BreakGlassRequired:
                return redirect("cases:detail", key=key)
            if need == "edit" and not allow_closed and not case_access.case.is_open:
                messages.error(request, _("Ärendet är avslutat och kan inte ändras."))
                return redirect("cases:detail", key=key)
            # A service that refuses (cases.errors) is answered by skydd.middleware.
            return view(request, case_access, *args, **kwargs)

        return wrapper

    return decorator
