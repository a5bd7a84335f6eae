from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.http import user_for_request  # noqa: F401 (moved there; importable here too)
from accounts.models import User

LOGIN_FAILED = _("Fel e-postadress eller lösenord.")


class LoginForm(AuthenticationForm):
    """Password step. The error message is the same whether or not the account exists."""

    username = forms.EmailField(
        label=_("E-postadress"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {"invalid_login": LOGIN_FAILED, "inactive": LOGIN_FAILED}

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise forms.ValidationError(LOGIN_FAILED, code="invalid_login")
        return self.cleaned_data


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Engångskod"),
        min_length=6,
        max_length=6,
        help_text=_("Sex siffror från appen för tvåstegsverifiering."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": _("Ange den sexsiffriga koden."),
            "min_length": _("Koden består av sex siffror."),
            "max_length": _("Koden består av sex siffror."),
        },
    )

    def __init__(self, *args: Any, device: TOTPDevice | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Koden består av sex siffror."))
        if self.device is None:
            raise forms.ValidationError(_("Ingen verifieringsenhet är kopplad till kontot."))
        verify_allowed, _info = self.device.verify_is_allowed()
        if not verify_allowed:
            raise forms.ValidationError(
                _("För många felaktiga koder. Vänta en stund och försök igen.")
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("Koden stämmer inte. Kontrollera klockan i appen."))
        return token


NEW_PASSWORD_HELP = _(
    "Minst tolv tecken; inte bara siffror, inte ett vanligt lösenord och inte likt ditt namn "
    "eller din e-postadress."
)


class ChoosePasswordForm(SetPasswordForm):
    """The password link's form (one plain help text instead of the validators' list)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = NEW_PASSWORD_HELP


class OwnPasswordChangeForm(PasswordChangeForm):
    """Current password, the new one twice, and a code from the user's second factor: a
    session left open on a shared PC is not enough to take over the account."""

    otp_token = TokenForm.base_fields["otp_token"]

    field_order = ["old_password", "new_password1", "new_password2", "otp_token"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Nuvarande lösenord")
        self.fields["new_password1"].help_text = NEW_PASSWORD_HELP
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["otp_token"].widget.attrs.pop("autofocus", None)
        self.fields["old_password"].widget.attrs["autofocus"] = True
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": _("Det nuvarande lösenordet stämmer inte."),
        }

    def clean_otp_token(self) -> str:
        device = TOTPDevice.objects.filter(user=self.user, confirmed=True).first()
        token_form = TokenForm({"otp_token": self.cleaned_data.get("otp_token", "")}, device=device)
        if not token_form.is_valid():
            raise forms.ValidationError(list(token_form.errors["otp_token"]))
        return str(token_form.cleaned_data["otp_token"])
