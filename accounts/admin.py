"""Administration of users, organisations and memberships.

Case data is deliberately not registered in the admin: administrators manage the system but
cannot read cases (tests/accounts/test_admin.py checks the registry). Nor can they become a
user: no password form (a user is sent a single-use link instead), no second-factor secret
or QR code (an administrator can only remove a user's devices, which forces a new
enrolment by the user), and every administrator action is listed for review by another
administrator ("Administratörsåtgärder").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import AdminAction, Membership, Organisation, User
from accounts.signals import end_all_sessions


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class UserForm(forms.ModelForm):
    """No password field, neither on add nor on change."""

    class Meta:
        model = User
        fields = ["email", "full_name", "is_active", "is_staff", "is_superuser", "groups"]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__organisation"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Behörighet"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": ("email", "full_name"),
                "description": _(
                    "Användaren får en länk per e-post för att välja lösenord och aktiverar "
                    "själv tvåstegsverifiering vid första inloggningen."
                ),
            },
        ),
    )
    filter_horizontal = ("groups",)
    actions = ["send_password_link", "reset_second_factor"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        if obj is None:
            kwargs["fields"] = ["email", "full_name"]
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change:
            services.send_password_link(_actor(request), obj, invitation=True)
            messages.info(
                request, gettext("En inbjudan med länk för lösenord skickas till användaren.")
            )

    @admin.action(description=_("Skicka länk för nytt lösenord"), permissions=["change"])
    def send_password_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.send_password_link(_actor(request), user)
            self.log_change(request, user, gettext("Länk för nytt lösenord skickad."))
        messages.success(
            request,
            gettext("Länk för nytt lösenord skickas till %(n)d användare.") % {"n": len(queryset)},
        )

    @admin.action(description=_("Återställ tvåstegsverifiering"), permissions=["change"])
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            removed = services.reset_second_factor(_actor(request), user)
            self.log_change(
                request,
                user,
                gettext(
                    "Tvåstegsverifiering återställd (%(n)d enheter borttagna, sessioner avslutade)."
                )
                % {"n": removed},
            )
        messages.success(
            request,
            gettext(
                "Tvåstegsverifieringen är återställd för %(n)d användare. De aktiverar en ny vid "
                "nästa inloggning."
            )
            % {"n": len(queryset)},
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality_code", "reference_prefix", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "municipality_name", "municipality_code"]


# django-otp names its TOTP device model and fields in plain English, not marked for
# translation. Wrapped here as lazy message ids, they read Swedish through the project's
# catalogue (locale/sv/LC_MESSAGES/django.po) and are unchanged for migrations, which read
# them with translation turned off. django-axes marks its names already; the catalogue
# translates them too.
TOTPDevice._meta.verbose_name = _("TOTP device")
TOTPDevice._meta.verbose_name_plural = _("TOTP devices")
for _field_name in ("user", "name", "confirmed", "created_at", "last_used_at"):
    _field = TOTPDevice._meta.get_field(_field_name)
    _field.verbose_name = _(str(_field.verbose_name))  # type: ignore[union-attr]
for _label in ("axes", "otp_totp"):
    if apps.is_installed(_label) or _label in apps.app_configs:
        _config = apps.get_app_config(_label)
        _config.verbose_name = _(str(_config.verbose_name))

# django-otp's own admin shows the secret key and a QR code: replaced by a view-only list.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class SecondFactorAdmin(admin.ModelAdmin):
    """Which users have a second factor – never its secret. Deleting a device here (or the
    user action "Återställ tvåstegsverifiering") makes the user enrol a new one."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name"]
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Removing a device here is a second-factor reset too: the user's sessions end.
    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        user = obj.user
        super().delete_model(request, obj)
        end_all_sessions(user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        users = list(User.objects.filter(pk__in=queryset.values("user_id")))
        super().delete_queryset(request, queryset)
        for user in users:
            end_all_sessions(user)


class ReviewedFilter(admin.SimpleListFilter):
    title = _("granskad")
    parameter_name = "granskad"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("nej", gettext("Ej granskade")), ("ja", gettext("Granskade"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "nej":
            return queryset.filter(review__isnull=True)
        if self.value() == "ja":
            return queryset.filter(review__isnull=False)
        return queryset


@admin.register(AdminAction)
class AdminActionAdmin(admin.ModelAdmin):
    """Every change made in the administration, for review by another administrator."""

    list_display = [
        "action_time",
        "user",
        "action",
        "object_type",
        "object_repr",
        "what",
        "reviewed",
    ]
    list_filter = [ReviewedFilter, "action_flag", "user"]
    list_select_related = ["user", "content_type", "review__reviewed_by"]
    search_fields = ["object_repr", "user__email"]
    date_hierarchy = "action_time"
    actions = ["mark_reviewed"]
    fields = ("action_time", "user", "action", "object_type", "object_repr", "what", "reviewed")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("åtgärd"), ordering="action_flag")
    def action(self, obj: LogEntry) -> str:
        return {1: gettext("Tillagd"), 2: gettext("Ändrad"), 3: gettext("Borttagen")}.get(
            obj.action_flag, str(obj.action_flag)
        )

    @admin.display(description=_("typ"))
    def object_type(self, obj: LogEntry) -> str:
        model = obj.content_type.model_class() if obj.content_type else None
        return str(model._meta.verbose_name) if model is not None else ""

    @admin.display(description=_("vad"))
    def what(self, obj: LogEntry) -> str:
        return str(obj.get_change_message())

    @admin.display(description=_("granskad av"))
    def reviewed(self, obj: LogEntry) -> str:
        review = getattr(obj, "review", None)
        if review is None:
            return gettext("Ej granskad")
        return format_html(
            "{} {}",
            review.reviewed_by,
            timezone.localtime(review.reviewed_at).strftime("%Y-%m-%d %H:%M"),
        )

    @admin.action(description=_("Markera som granskade"), permissions=["view"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[AdminAction]) -> None:
        reviewed, own = services.mark_admin_actions_reviewed(_actor(request), queryset)
        if reviewed:
            messages.success(
                request, gettext("%(n)d åtgärder markerade som granskade.") % {"n": reviewed}
            )
        if own:
            messages.warning(
                request,
                gettext("%(n)d åtgärder är dina egna och måste granskas av en annan administratör.")
                % {"n": own},
            )
