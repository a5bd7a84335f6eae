"""Login in two steps (password, then TOTP), enrolment of a TOTP device, logout, the user's
own password change and the password link an administrator sends."""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, throttle
from accounts.forms import (
    ChoosePasswordForm,
    LoginForm,
    OwnPasswordChangeForm,
    TokenForm,
    user_for_request,
)
from accounts.models import User
from accounts.signals import end_all_sessions, rotate_session_key

ENROL_SESSION_KEY = "skydd_enrol_device"


class PasswordLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Slow down many failures from one address (across accounts) before any password
        # is checked; the wait is short, so a shared office address is never shut out.
        wait = throttle.address_wait_seconds(request)
        if wait:
            response = render(request, "accounts/slow_down.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if throttle.known_browser_exhausted(request):
            return render(request, "accounts/locked_out.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        # auth.login() cycles the session key, so a fixated id is worthless after login.
        super().form_valid(form)
        return redirect(self._next_step_url())

    def _next_step_url(self) -> str:
        target = reverse("accounts:otp")
        if not TOTPDevice.objects.filter(user=self.request.user, confirmed=True).exists():
            target = reverse("accounts:enrol")
        nxt = _validated_next(self.request)
        return f"{target}?{urlencode({'next': nxt})}" if nxt else target


def _validated_next(request: HttpRequest) -> str:
    """A local path from ``next`` (POST or GET), or ''. Anything else – another host, a
    scheme, a bare word like ``abc`` – is dropped."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if (
        nxt.startswith("/")
        and not nxt.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return nxt
    return ""


def _safe_next(request: HttpRequest) -> str:
    return _validated_next(request) or reverse("core:overview")


def _second_factor_passed(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    # A new session key once the second factor is accepted: a key seen before this point
    # (password step only) is worth nothing afterwards.
    rotate_session_key(request, user)
    response = HttpResponseRedirect(_safe_next(request))
    throttle.remember_browser(request, response, user.pk)
    return response


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = user_for_request(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        return _second_factor_passed(request, user, device)
    return render(request, "accounts/otp.html", {"form": form, "next": _validated_next(request)})


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First login: a new secret for every enrolment attempt, shown once (GET); confirmed
    with one code (POST) only in the session that was shown it."""
    user = user_for_request(request)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:otp")
    nxt = _validated_next(request)
    if request.method == "GET":
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()
            # A secret shown in another session (or earlier here) stops working now.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)
        request.session[ENROL_SESSION_KEY] = device.pk
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        return render(
            request,
            "accounts/enrol.html",
            {
                "form": TokenForm(device=device),
                "qr_data_uri": _qr_svg(device.config_url),
                "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                "next": nxt,
            },
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        device = (
            TOTPDevice.objects.filter(
                pk=request.session.get(ENROL_SESSION_KEY), user=user, confirmed=False
            ).first()
            if request.session.get(ENROL_SESSION_KEY)
            else None
        )
        if device is None:
            messages.error(
                request,
                _("Aktiveringen har startats om eller gått ut. Skanna den nya QR-koden."),
            )
            return redirect(f"{reverse('accounts:enrol')}?{urlencode({'next': nxt})}")
        form = TokenForm(request.POST, device=device)
        if form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            del request.session[ENROL_SESSION_KEY]
            messages.success(request, _("Tvåstegsverifiering är aktiverad för ditt konto."))
            return _second_factor_passed(request, user, device)
    # The secret is not shown again: the user either retries the code or starts over.
    return render(request, "accounts/enrol.html", {"form": form, "next": nxt, "retry": True})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)
    messages.info(request, _("Du är utloggad."))
    return redirect("accounts:login")


@never_cache
@sensitive_post_parameters("old_password", "new_password1", "new_password2", "otp_token")
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """The user's own password: the current password and a code from the second factor."""
    user = user_for_request(request)
    form = OwnPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = services.change_own_password(request, user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Ditt lösenord är bytt."))
        if ended:
            messages.info(request, _("Dina andra inloggningar har avslutats."))
        return redirect("core:overview")
    return render(request, "accounts/password_change.html", {"form": form})


class PasswordLinkView(PasswordResetConfirmView):
    """The single-use, time-limited link an administrator has the user sent (a new user's
    invitation, or a reset). Django's token stops working once the password is set."""

    template_name = "accounts/password_link.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        assert isinstance(self.user, User)
        end_all_sessions(self.user)
        messages.success(self.request, _("Lösenordet är sparat. Logga in med det nya lösenordet."))
        return response
