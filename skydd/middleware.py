"""Cross-cutting request guards: session limits, mandatory second factor, no caching."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cases import errors

GetResponse = Callable[[HttpRequest], HttpResponse]

# URL prefixes reachable without a verified second factor. Everything else, the Django admin
# included, requires one (tests/accounts/test_url_walk.py walks every URL pattern).
# The unsubscribe link of e-mails (its signed token is the authorisation, RFC 8058) and
# the password link.
PUBLIC_PREFIXES = (
    "/healthz",
    "/static/",
    "/favicon.ico",
    "/losenord/lank/",
    "/e-post/avregistrera/",
)
PASSWORD_STEP_NAMES = {"accounts:login", "accounts:otp", "accounts:enrol", "accounts:logout"}


def _path_is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


SEEN_RESOLUTION = timedelta(minutes=1)


class SessionLimitsMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT without requests or SESSION_ABSOLUTE_TIMEOUT."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not _path_is_public(request.path):
            now = timezone.now()
            started = request.session.get("skydd_login_at")
            seen = request.session.get("skydd_seen_at")
            if started is None:
                request.session["skydd_login_at"] = now.isoformat()
            elif now - datetime.fromisoformat(started) > settings.SESSION_ABSOLUTE_TIMEOUT or (
                seen and now - datetime.fromisoformat(seen) > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                messages.info(request, _("Du har loggats ut eftersom sessionen har gått ut."))
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
            # Stamped at most once a minute: a session saved on every request cost each page
            # an UPDATE and a re-signed cookie (issue 16). The stamp is then up to a minute
            # old, so an idle session ends a little early, never late.
            if seen is None or now - datetime.fromisoformat(seen) >= SEEN_RESOLUTION:
                request.session["skydd_seen_at"] = now.isoformat()
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Every non-public URL needs a logged-in user with a verified TOTP device."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self._password_step_paths: set[str] | None = None

    def _password_step(self) -> set[str]:
        if self._password_step_paths is None:
            self._password_step_paths = {reverse(name) for name in PASSWORD_STEP_NAMES}
        return self._password_step_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if _path_is_public(path) or path in self._password_step():
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': path})}")
        if not user.is_verified():  # type: ignore[union-attr,attr-defined]
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': path})}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Authenticated pages (and the login steps) must never be kept by a browser or proxy."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(("/static/", "/favicon.ico")):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class SwedishFirstLocaleMiddleware:
    """Swedish unless the user chose another language with the switcher (language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a police PC set
    up in English would show the whole product in English; Skydd is a Swedish product with
    English available on request.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        # For this request only: the thread's language is restored afterwards, so a request
        # in English never leaves English active for what the thread does next (a Celery
        # task in the same process, the next test).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DomainErrorMiddleware:
    """The one place where the domain errors of ``cases.errors`` become HTTP.

    A view catches an error itself only to show it beside its form (presentation); whatever
    it does not catch lands here:

    - ``NotAllowed`` → 404, like no access at all (nothing about the case leaks);
    - ``CaseClosed`` → back to the case page with the message (a page of a case), else 409;
    - ``Conflict`` → 409 with the message (someone else saved first);
    - ``Invalid`` → 400 with the Swedish message.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, errors.DomainError):
            return None
        if isinstance(exception, errors.NotAllowed):
            raise Http404 from exception
        match = getattr(request, "resolver_match", None)
        key = match.kwargs.get("key") if match else None
        case_url = reverse("cases:detail", kwargs={"key": key}) if key else ""
        if isinstance(exception, errors.CaseClosed) and case_url:
            messages.error(request, exception.message)
            return redirect(case_url)
        if isinstance(exception, errors.CaseClosed):
            heading, status = _("Ärendet är avslutat"), 409
        elif isinstance(exception, errors.Conflict):
            heading, status = _("Någon annan har sparat ändringar"), 409
        else:
            heading, status = _("Det gick inte att spara"), 400
        return render(
            request,
            "domain_error.html",
            {"heading": heading, "message": exception.message, "case_url": case_url},
            status=status,
        )
