"""Login in two steps (password, then TOTP), enrolment of a TOTP device, logout."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import LoginForm, TokenForm, user_for_request


class PasswordLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        # auth.login() cycles the session key, so a fixated id is worthless after login.
        super().form_valid(form)
        return redirect(self._next_step_url())

    def _next_step_url(self) -> str:
        target = reverse("accounts:otp")
        if not TOTPDevice.objects.filter(user=self.request.user, confirmed=True).exists():
            target = reverse("accounts:enrol")
        nxt = self.get_redirect_url()
        return f"{target}?next={nxt}" if nxt else target


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return reverse("core:overview")


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = user_for_request(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_safe_next(request))
    return render(request, "accounts/otp.html", {"form": form, "next": _safe_next(request)})


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
    """First login: show a QR code for a new TOTP device, confirm it with one code."""
    user = user_for_request(request)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:otp")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, _("Tvåstegsverifiering är aktiverad för ditt konto."))
        return redirect(_safe_next(request))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_data_uri": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _safe_next(request),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)
    messages.info(request, _("Du är utloggad."))
    return redirect("accounts:login")
