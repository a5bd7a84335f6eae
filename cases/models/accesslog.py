"""The read log: every read of a case, granted or denied. Append-only (a PostgreSQL trigger
refuses UPDATE and DELETE; see migration 0002)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.models.cases import ProtectionCase


class AccessLogEntry(models.Model):
    class Channel(models.TextChoices):
        DETAIL = "detail", _("Ärendesida")
        SEARCH = "search", _("Sökträff")
        PRINT = "print", _("Utskrift/PDF")
        EXPORT = "export", _("Export")
        PART = "part", _("Del av ärendet")
        EMAIL = "email", _("E-post")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The case row may be purged after retention; the reference stays (no personal data).
    case = models.ForeignKey(
        ProtectionCase,
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        related_name="+",
    )
    case_reference = models.CharField(max_length=40, blank=True)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    what = models.CharField(_("vad"), max_length=100, blank=True)
    granted = models.BooleanField(_("beviljad"))
    via = models.CharField(_("grund"), max_length=20, blank=True)
    break_glass_reason = models.TextField(_("skäl för nödåtkomst"), blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("åtkomstlogg")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "-at"]), models.Index(fields=["user", "-at"])]
        default_permissions = ()

    def __str__(self) -> str:
        return f"Åtkomst {self.pk}"
