"""Device kinds and their readiness checks are reference data an administrator manages.

Devices, loans and alarm events are police-internal case-related data: they are not in the
admin (administrators never see a serial, IMEI or SIM number). A kind or check that devices
or check results use cannot be deleted (PROTECT): deactivate it instead.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from alarms.models import CheckDefinition, DeviceKind


class CheckDefinitionInline(admin.TabularInline):
    model = CheckDefinition
    extra = 1
    fields = ["code", "label", "interval_days", "order", "active"]
    verbose_name = _("beredskapskontroll")
    verbose_name_plural = _("beredskapskontroller som typen kräver")


@admin.register(DeviceKind)
class DeviceKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ("name",)}
    fields = ["name", "code", "instructions", "order", "active"]
    inlines = [CheckDefinitionInline]
