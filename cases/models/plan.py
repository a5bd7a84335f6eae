"""Gemensam skyddsplan (seed 003, Bilaga 3): versions of a joint plan and who confirmed them.

A version is a draft until a police handler and a social-services handler have both
confirmed it; it is then agreed, and what its filled-in sections showed is frozen in
``snapshot``. Starting a new version supersedes the previous one. An agreed or superseded
version is never edited (the services refuse, and so does ``save()``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases import errors
from cases.models.cases import ProtectionCase
from cases.models.casework import Party
from cases.textlimits import length_checks

# The free texts of a plan row, in the order of the sections; which party may write which
# is decided in cases/plan/policy.py (EDITABLE_BY). What social services undertake is not
# here: each recipient organisation writes its own part (PlanPart, issue 10).
PLAN_TEXT_FIELDS = (
    "introduction",
    "threat_text",
    "measures_text",
    "police_commitments",
    "follow_up_text",
)
# The limit of every plan text, in the forms and in the database.
PLAN_TEXT_LIMIT = 10_000

# Fields a frozen (agreed or superseded) version may still change: only being superseded.
_FROZEN_WRITABLE = frozenset({"status", "superseded_at", "updated_at"})


class FrozenPlanError(errors.Invalid):
    """An agreed or superseded plan version is never edited; start a new version."""


class ProtectionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        AGREED = "agreed", _("Överenskommen")
        SUPERSEDED = "superseded", _("Ersatt")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveIntegerField(_("version"), editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    introduction = models.TextField(_("1 Inledning"), blank=True)
    threat_text = models.TextField(_("2 Övergripande beskrivning och hotbild"), blank=True)
    measures_text = models.TextField(_("3 Säkerhetshöjande åtgärder"), blank=True)
    police_commitments = models.TextField(_("Polismyndigheten åtar sig att"), blank=True)
    follow_up_text = models.TextField(_("5 Uppföljning av ärendet"), blank=True)
    # The filled-in sections (persons, assessments, measures, follow-ups, contacts) as they
    # stood when the version was agreed; see cases/plan/sources.py for the format. Holds
    # everything a police reader saw; each reader still sees only their scope of it.
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    agreed_at = models.DateTimeField(_("överenskommen"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("ersatt"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: compared on every save of the texts and on every confirmation.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("gemensam skyddsplan")
        verbose_name_plural = _("gemensamma skyddsplaner")
        ordering = ["case", "-number"]
        constraints = [
            *length_checks(
                "plan",
                introduction=PLAN_TEXT_LIMIT,
                threat_text=PLAN_TEXT_LIMIT,
                measures_text=PLAN_TEXT_LIMIT,
                police_commitments=PLAN_TEXT_LIMIT,
                follow_up_text=PLAN_TEXT_LIMIT,
            ),
            models.UniqueConstraint(fields=["case", "number"], name="plan_number_per_case"),
            # At most one version in force or in the making: a new version supersedes.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["draft", "agreed"]),
                name="one_current_plan_per_case",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(agreed_at__isnull=False, snapshot__isnull=False),
                name="agreed_plan_has_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return f"Skyddsplan {self.case_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A second line of defence behind the services: a version loaded as agreed or
        # superseded can only be marked superseded, never have its content changed.
        if getattr(self, "_frozen_in_db", False):
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= _FROZEN_WRITABLE:
                raise FrozenPlanError(f"Plan {self.pk} is frozen")
        super().save(*args, **kwargs)
        self._frozen_in_db = self.status != self.Status.DRAFT

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Any, values: Any, *, fetch_mode: Any = None
    ) -> ProtectionPlan:
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        # Read without triggering a deferred load; an unknown status counts as frozen.
        status = instance.__dict__.get("status")
        instance._frozen_in_db = status != cls.Status.DRAFT
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._frozen_in_db = self.status != self.Status.DRAFT

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_agreed(self) -> bool:
        return self.status == self.Status.AGREED


class PlanConfirmation(models.Model):
    """One party's confirmation of a draft. An edit of the draft clears it (``cleared_at``):
    the confirmation then no longer counts, but the row stays as a record."""

    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, related_name="confirmations")
    party = models.CharField(_("part"), max_length=10, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Recorded as they were at the time: a later rename does not change a signed plan.
    user_name = models.CharField(_("namn"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    organisation_name = models.CharField(_("organisationens namn"), max_length=200)
    confirmed_at = models.DateTimeField(_("bekräftad"), auto_now_add=True)
    plan_version = models.PositiveIntegerField(
        _("planens ändringsnummer"), help_text=_("Det innehåll som bekräftades.")
    )
    cleared_at = models.DateTimeField(_("nollställd"), null=True, blank=True)

    class Meta:
        verbose_name = _("bekräftelse av skyddsplan")
        verbose_name_plural = _("bekräftelser av skyddsplan")
        ordering = ["confirmed_at", "pk"]
        constraints = [
            # One standing confirmation per organisation: the police unit, and each
            # recipient organisation for its own part (issue 10).
            models.UniqueConstraint(
                fields=["plan", "party", "organisation"],
                condition=Q(cleared_at__isnull=True),
                name="one_standing_confirmation_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"Bekräftelse {self.pk}"


class PlanPart(models.Model):
    """What one recipient organisation undertakes in section 4 ("Socialtjänsten åtar sig
    att"), written and confirmed by that organisation only. Another recipient never sees it;
    the police see every part with the organisation's name (issue 10).

    A part belongs to one plan version and is frozen with it; a new version copies the parts.
    Its edits count in the plan's ``version`` like every other text of the plan, so that a
    confirmation always names the content that was read.
    """

    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, related_name="parts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    text = models.TextField(_("Socialtjänsten åtar sig att"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mottagarens del av skyddsplan")
        verbose_name_plural = _("mottagarnas delar av skyddsplaner")
        ordering = ["plan", "organisation__name", "pk"]
        constraints = [
            *length_checks("plan_part", text=PLAN_TEXT_LIMIT),
            models.UniqueConstraint(fields=["plan", "organisation"], name="one_part_per_recipient"),
        ]

    def __str__(self) -> str:
        return f"Del {self.pk} av skyddsplan {self.plan_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Behind the services: a part of an agreed or superseded version is never changed.
        if (
            self.plan_id
            and not ProtectionPlan.objects.filter(
                pk=self.plan_id, status=ProtectionPlan.Status.DRAFT
            ).exists()
        ):
            raise FrozenPlanError(f"Plan {self.plan_id} is frozen")
        super().save(*args, **kwargs)
