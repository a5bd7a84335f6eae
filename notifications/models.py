"""The outbox: the database is the schedule.

``Notification`` is one item – one recipient, one rule, one subject, one period – and its
unique key is what makes a reminder impossible to send twice. ``Message`` is one e-mail (a
daily digest or an immediate notice) carrying one or more items, with its delivery state:
claimed with a lease, retried with back-off, marked sent with a compare-and-set. No reminder
lives in the broker (Celery on Redis re-delivers ETA tasks past the visibility timeout).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import ProtectionCase


class Message(models.Model):
    class Kind(models.TextChoices):
        DIGEST = "digest", _("Daglig sammanställning")
        NOTICE = "notice", _("Brådskande meddelande")

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Ej levererat")
        DROPPED = "dropped", _("Inget att skicka")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    # "digest:2026-12-01" or "notice:<rule>:<subject>:<period>"; unique per recipient.
    key = models.CharField(max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    due_at = models.DateTimeField(_("ska skickas"))
    next_attempt_at = models.DateTimeField(_("nästa försök"))
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    # Set while a sweep holds the message; a dead worker's lease runs out and the message
    # is claimed again (sent at most once more).
    claim = models.UUIDField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Exception class and SMTP code only: a server's text may name the recipient.
    last_error = models.CharField(_("senaste fel"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-postmeddelande")
        verbose_name_plural = _("e-postmeddelanden")
        ordering = ["-due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_message_per_key")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Meddelande {self.pk}"


class UndeliveredMessage(Message):
    """Messages that gave up after repeated failures (the admin's list)."""

    class Meta:
        proxy = True
        verbose_name = _("ej levererat meddelande")
        verbose_name_plural = _("ej levererade meddelanden")


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENT = "sent", _("Skickad")
        DROPPED = "dropped", _("Struken")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(_("regel"), max_length=60)
    subject = models.CharField(_("gäller"), max_length=80)
    period = models.CharField(_("period"), max_length=40)
    case = models.ForeignKey(
        ProtectionCase, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Dates (ISO), counts, ids and codes only – never personal data.
    params = models.JSONField(default=dict, blank=True)
    # Who caused the event, where there is one: never notified of it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="items")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")
        ordering = ["rule", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "rule", "subject", "period"], name="one_notification_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"Påminnelse {self.pk}"


class DigestRun(models.Model):
    """One row per local day whose digests have been written: the guard that makes the
    digest of a day happen once, whatever the number of sweeps or their concurrency."""

    day = models.DateField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    messages = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sammanställningskörning")
        verbose_name_plural = _("sammanställningskörningar")
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.day.isoformat()


class SweepState(models.Model):
    """When the last sweep finished (read by /healthz/scheduler)."""

    name = models.CharField(max_length=20, unique=True, default="sweep")
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("schemaläggarens läge")
        verbose_name_plural = _("schemaläggarens läge")

    def __str__(self) -> str:
        return self.name


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    digest = models.BooleanField(_("daglig sammanställning"), default=True)
    muted_rules = models.JSONField(_("avstängda påminnelser"), default=list, blank=True)
    language = models.CharField(
        _("språk i e-post"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-postinställning")
        verbose_name_plural = _("e-postinställningar")

    def __str__(self) -> str:
        return f"Inställning {self.user_id}"
