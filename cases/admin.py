"""Reference data of the cases app that administrators manage: the measure catalogue, the
support directory and the retention periods. Case data itself is never registered here
(tests/accounts/test_admin.py checks the registry)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.casework.services import MEASURE_KIND_FOR_BAN, refresh_contact_ban_flags
from cases.models import (
    MeasureKind,
    ProtectionCase,
    ProtectiveMeasure,
    RetentionPolicy,
    SupportOrganisation,
)


@admin.register(MeasureKind)
class MeasureKindAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "default_party", "records_statement", "order", "active"]
    list_filter = ["category", "default_party", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def save_model(self, request: Any, obj: MeasureKind, form: Any, change: bool) -> None:
        # A case's kontaktförbud flag follows the codes of its measures' kinds: renaming a
        # kind's code to or from a kontaktförbud code changes it for the cases with such a
        # measure (in the admin's transaction).
        before = form.initial.get("code") if change else None
        super().save_model(request, obj, form, change)
        if change and before != obj.code and {before, obj.code} & set(MEASURE_KIND_FOR_BAN):
            refresh_contact_ban_flags(
                ProtectionCase.objects.filter(
                    pk__in=ProtectiveMeasure.objects.filter(kind=obj).values("case_id")
                )
            )

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        # Measures on cases refer to their kind; retire a kind with "aktiv" instead.
        return False


@admin.register(SupportOrganisation)
class SupportOrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "municipality_name",
        "national",
        "phone",
        "opening_hours",
        "address_confidential",
        "active",
    ]
    list_filter = ["kind", "national", "active", "municipality_name"]
    search_fields = ["name", "municipality_name", "municipality_code", "phone"]
    fieldsets = (
        (None, {"fields": ("name", "kind", "active")}),
        (_("Var"), {"fields": ("national", "municipality_code", "municipality_name")}),
        (
            _("Kontakt"),
            {"fields": ("phone", "opening_hours", "address", "address_confidential", "note")},
        ),
    )

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        # Recorded support information refers to the organisation; deactivate it instead.
        return False


class RetentionPolicyForm(forms.ModelForm):
    organisation_kind = forms.ChoiceField(
        label=_("organisationstyp"),
        choices=[
            (value, label)
            for value, label in Organisation.Kind.choices
            if value != Organisation.Kind.ADMINISTRATION
        ],
    )

    class Meta:
        model = RetentionPolicy
        fields = ["organisation_kind", "retention_days"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    form = RetentionPolicyForm
    list_display = ["organisation_kind_label", "retention_days"]

    @admin.display(description=_("organisationstyp"), ordering="organisation_kind")
    def organisation_kind_label(self, obj: RetentionPolicy) -> str:
        return str(
            dict(Organisation.Kind.choices).get(obj.organisation_kind, obj.organisation_kind)
        )
