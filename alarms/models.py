"""Alarm equipment (issue 12): device kinds and their readiness checks (data, edited by
administrators), devices owned by a police unit, readiness checks, loans with a documented
decision basis, and alarm activations.

Device details (serial, IMEI, SIM number, how a kind works) are police-internal: they never
reach social services and never appear in a URL (every URL uses the opaque ``key``). Nothing
here is ever deleted: devices are retired ("kasserad"), loans end; the change history is kept
with simple-history. The retention purge of a case (cases.casework.retention, through
``cases.extensions.purge_hooks``) cuts a loan's link to the case's persons and keeps the case
reference only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from cases.textlimits import TEXT_LIMIT, length_checks


class DeviceKind(models.Model):
    """A kind of alarm device (larmtelefon med GPS, inspelningsenhet, akustiskt larm, …)."""

    code = models.SlugField(_("kod"), max_length=60, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    instructions = models.TextField(
        _("instruktioner till bäraren"),
        blank=True,
        help_text=_(
            "Hur larmet utlöses och vad som händer sedan. Skrivs ut på kvittensen; "
            "polisintern uppgift som aldrig visas för socialtjänsten."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("typ av larmutrustning")
        verbose_name_plural = _("typer av larmutrustning")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CheckDefinition(models.Model):
    """One readiness check a kind needs, and how often (e.g. provsamtal var 30:e dag)."""

    kind = models.ForeignKey(DeviceKind, on_delete=models.CASCADE, related_name="checks")
    code = models.SlugField(_("kod"), max_length=60)
    label = models.CharField(_("kontroll"), max_length=200)
    interval_days = models.PositiveSmallIntegerField(
        _("intervall i dagar"), help_text=_("Hur många dagar en godkänd kontroll gäller.")
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("tillagd"), auto_now_add=True)

    class Meta:
        verbose_name = _("beredskapskontroll (definition)")
        verbose_name_plural = _("beredskapskontroller (definitioner)")
        ordering = ["kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="one_check_code_per_kind"),
            models.CheckConstraint(
                condition=Q(interval_days__gt=0), name="check_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Device(models.Model):
    class Status(models.TextChoices):
        IN_STORE = "in_store", _("I förråd")
        ON_LOAN = "on_loan", _("Utlånad")
        SERVICE = "service", _("På service")
        LOST = "lost", _("Förlorad")
        RETIRED = "retired", _("Kasserad")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="alarm_devices",
        verbose_name=_("polisenhet"),
        limit_choices_to={"kind": Organisation.Kind.POLICE_UNIT},
    )
    kind = models.ForeignKey(
        DeviceKind, on_delete=models.PROTECT, related_name="devices", verbose_name=_("typ")
    )
    serial = models.CharField(_("serienummer"), max_length=60)
    imei = models.CharField(_("IMEI"), max_length=20, blank=True)
    sim_number = models.CharField(_("SIM-nummer"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_STORE
    )
    notes = models.TextField(_("anteckningar"), blank=True)
    # Readiness, kept by alarms.services when a check is recorded or a loan ends:
    last_checked_at = models.DateTimeField(_("senast godkänd kontroll"), null=True, blank=True)
    check_failed = models.BooleanField(_("senaste kontrollen underkänd"), default=False)
    needs_check = models.BooleanField(
        _("behöver kontrolleras"),
        default=True,
        help_text=_("Ny enhet eller återlämnad från ett lån: kontrolleras innan nästa lån."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("larmenhet")
        verbose_name_plural = _("larmenheter")
        ordering = ["kind__order", "serial"]
        constraints = [
            *length_checks("device", notes=TEXT_LIMIT),
            models.UniqueConstraint(fields=["kind", "serial"], name="device_serial_per_kind"),
        ]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        # Never the serial: str() ends up in logs and admin messages.
        return f"Larmenhet {self.pk}"


class ReadinessCheck(models.Model):
    """One readiness check of a device: who, when, which checks passed, a note."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="readiness_checks")
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField(_("kontrollerad"))
    passed = models.BooleanField(_("godkänd"))
    note = models.TextField(_("anteckning"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beredskapskontroll")
        verbose_name_plural = _("beredskapskontroller")
        ordering = ["-performed_at", "-pk"]
        constraints = [*length_checks("readiness_check", note=TEXT_LIMIT)]

    def __str__(self) -> str:
        return f"Kontroll {self.pk}"


class CheckResult(models.Model):
    check_run = models.ForeignKey(ReadinessCheck, on_delete=models.PROTECT, related_name="results")
    definition = models.ForeignKey(CheckDefinition, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=200)  # as it read when checked
    passed = models.BooleanField(_("godkänd"))

    class Meta:
        verbose_name = _("kontrollresultat")
        verbose_name_plural = _("kontrollresultat")
        constraints = [
            models.UniqueConstraint(
                fields=["check_run", "definition"], name="one_result_per_check_definition"
            )
        ]

    def __str__(self) -> str:
        return f"Resultat {self.pk}"


class Loan(models.Model):
    class EndKind(models.TextChoices):
        RETURNED = "returned", _("Återlämnad")
        LOST = "lost", _("Förlorad")

    class Condition(models.TextChoices):
        GOOD = "good", _("Hel och ren")
        WORN = "worn", _("Sliten men fungerande")
        DAMAGED = "damaged", _("Skadad")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="loans")
    # The purge of a case keeps the loan (the device's history) with the reference only.
    case = models.ForeignKey(
        "cases.ProtectionCase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alarm_loans",
    )
    case_reference = models.CharField(_("diarienummer"), max_length=40)
    carrier = models.ForeignKey(
        "cases.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bärare"),
    )
    started_on = models.DateField(_("utlånad"))
    review_on = models.DateField(_("översyn senast"))
    return_by = models.DateField(_("planerat återlämnande"), null=True, blank=True)
    # The basis of the current decision (the latest LoanDecision), kept here for lists.
    without_assessment = models.BooleanField(_("utan strukturerad bedömning"), default=False)
    acknowledged_on = models.DateField(_("instruktioner kvitterade"), null=True, blank=True)
    acknowledged_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_follow_up = models.ForeignKey(
        "cases.FollowUp", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_on = models.DateField(_("avslutat"), null=True, blank=True)
    end_kind = models.CharField(_("avslut"), max_length=10, choices=EndKind.choices, blank=True)
    returned_device = models.BooleanField(_("enheten återlämnad"), default=False)
    returned_charger = models.BooleanField(_("laddare återlämnad"), default=False)
    condition = models.CharField(_("skick"), max_length=10, choices=Condition.choices, blank=True)
    end_note = models.TextField(_("anteckning vid avslut"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lån av larmutrustning")
        verbose_name_plural = _("lån av larmutrustning")
        ordering = ["-started_on", "-pk"]
        constraints = [
            *length_checks("loan", end_note=TEXT_LIMIT),
            # A device is never on two loans: the database says so, whatever the code does.
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(ended_on__isnull=True),
                name="one_active_loan_per_device",
            ),
            models.CheckConstraint(
                condition=Q(review_on__gte=F("started_on")), name="loan_review_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_kind=""),
                name="ended_loan_has_end_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Lån {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class LoanDecision(models.Model):
    """A decision to lend or to keep lending (review, extension): its own basis and review
    date. A loan is never extended without one."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Beslut om utlåning")
        REVIEW = "review", _("Översyn: fortsatt lån")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    decided_on = models.DateField(_("beslutsdatum"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beslutsfattare"),
    )
    assessment = models.ForeignKey(
        "riskassessment.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hot- och riskbedömning"),
    )
    # The assessment as it read when decided (instrument, date, level judgements): no text.
    assessment_summary = models.CharField(_("bedömningens sammanfattning"), max_length=300)
    without_assessment = models.BooleanField(_("utan strukturerad bedömning"), default=False)
    reason = models.TextField(_("skäl"), blank=True)
    review_on = models.DateField(_("översyn senast"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beslut om lån")
        verbose_name_plural = _("beslut om lån")
        ordering = ["loan", "decided_on", "pk"]
        constraints = [
            *length_checks("loan_decision", reason=TEXT_LIMIT),
            models.CheckConstraint(
                condition=Q(without_assessment=False, assessment_summary__gt="")
                | Q(without_assessment=True, reason__gt=""),
                name="loan_decision_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"Beslut {self.pk}"


class AlarmEvent(models.Model):
    class Kind(models.TextChoices):
        REAL = "real", _("Skarpt larm")
        MISTAKE = "mistake", _("Av misstag")
        TEST = "test", _("Test")

    class Outcome(models.TextChoices):
        POLICE_ON_SITE = "police_on_site", _("Polis på plats")
        PHONE_CONTACT = "phone_contact", _("Kontakt per telefon")
        NO_NEED = "no_need", _("Inget behov")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField(_("tidpunkt"))
    kind = models.CharField(_("typ av larm"), max_length=10, choices=Kind.choices)
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("anteckning"), blank=True)
    follow_up = models.ForeignKey(
        "cases.FollowUp", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("larmhändelse")
        verbose_name_plural = _("larmhändelser")
        ordering = ["-occurred_at", "-pk"]
        constraints = [*length_checks("alarm_event", note=TEXT_LIMIT)]

    def __str__(self) -> str:
        return f"Larmhändelse {self.pk}"
