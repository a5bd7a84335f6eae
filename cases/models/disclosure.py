"""Utlämnande: sharing a case with another organisation, for a scope and a time."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.models.cases import ProtectionCase

# Scope keys, in the order shown on forms. The access module reads these names.
SCOPE_FIELDS = {
    "scope_persons": _("Personer och kontaktuppgifter"),
    "scope_risk_summary": _("Sammanfattning av riskbedömning"),
    "scope_risk_full": _("Fullständiga riskbedömningar"),
    "scope_measures": _("Skyddsåtgärder, kontaktförbud och uppföljningar"),
    "scope_plan": _("Gemensam skyddsplan"),
    "scope_secret_dwelling": _("Hemligt boende"),
}


class DisclosureQuerySet(models.QuerySet["Disclosure"]):
    def active(self, on: date | None = None) -> DisclosureQuerySet:
        """Not withdrawn and not expired: the only disclosures that grant access."""
        today = on or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, valid_from__lte=today).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )


class Disclosure(models.Model):
    class Direction(models.TextChoices):
        TO_SOCIAL = "to_social", _("Från polisen till socialtjänsten")
        TO_POLICE = "to_police", _("Från socialtjänsten till polisen")

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Samtycke")
        OSL_10_2 = "osl_10_2", _("OSL 10 kap. 2 § (nödvändigt utlämnande)")
        OSL_10_18C = "osl_10_18c", _("OSL 10 kap. 18 c §")
        REPORTING_DUTY = "reporting_duty", _("Anmälningsplikt (SoL 14 kap. 1 §)")
        OTHER = "other", _("Annan grund")

    class ConsentForm(models.TextChoices):
        ORAL = "oral", _("Muntligt")
        WRITTEN = "written", _("Skriftligt")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="disclosures")
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.TO_SOCIAL
    )
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="received_disclosures",
        verbose_name=_("mottagande organisation"),
    )
    legal_basis = models.CharField(_("rättslig grund"), max_length=20, choices=LegalBasis.choices)
    legal_basis_text = models.CharField(_("annan grund, beskrivning"), max_length=300, blank=True)
    scope_persons = models.BooleanField(SCOPE_FIELDS["scope_persons"], default=True)
    scope_risk_summary = models.BooleanField(SCOPE_FIELDS["scope_risk_summary"], default=True)
    scope_risk_full = models.BooleanField(SCOPE_FIELDS["scope_risk_full"], default=False)
    scope_measures = models.BooleanField(SCOPE_FIELDS["scope_measures"], default=True)
    scope_plan = models.BooleanField(SCOPE_FIELDS["scope_plan"], default=True)
    scope_secret_dwelling = models.BooleanField(
        SCOPE_FIELDS["scope_secret_dwelling"], default=False
    )
    consent_given_by = models.CharField(_("samtycke lämnat av"), max_length=200, blank=True)
    consent_form = models.CharField(
        _("samtyckets form"), max_length=10, choices=ConsentForm.choices, blank=True
    )
    consent_date = models.DateField(_("datum för samtycke"), null=True, blank=True)
    valid_from = models.DateField(_("gäller från"))
    valid_until = models.DateField(_("gäller till"), null=True, blank=True)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_disclosures",
        verbose_name=_("tilldelade handläggare hos mottagaren"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("skäl för återkallelse"), max_length=300, blank=True)
    # Ended because the case was closed (issue 11): the recipient's head is told.
    ended_by_closing = models.BooleanField(_("upphörde när ärendet avslutades"), default=False)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("utlämnande")
        verbose_name_plural = _("utlämnanden")
        ordering = ["-valid_from", "-created_at"]
        # "Utlämnandet upphör snart": the active police→social ones ending within a week.
        indexes = [
            models.Index(
                fields=["valid_until"],
                condition=Q(direction="to_social", withdrawn_at__isnull=True),
                name="disclosure_to_social_until",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_basis="consent") | ~Q(consent_given_by=""),
                name="consent_names_who_gave_it",
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis="other") | ~Q(legal_basis_text=""),
                name="other_basis_is_described",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="disclosure_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"Utlämnande {self.pk}"

    def scope(self) -> set[str]:
        return {name for name in SCOPE_FIELDS if getattr(self, name)}

    @property
    def state(self) -> str:
        today = timezone.localdate()
        if self.withdrawn_at:
            return "withdrawn"
        if self.valid_from > today:
            return "pending"
        if self.valid_until and self.valid_until < today:
            return "expired"
        return "active"
