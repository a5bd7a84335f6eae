"""Structured professional judgement: instruments are data, assessments are case records.

Factor ratings are never summed into a decision; the assessor makes summary judgements.

Versioning: an instrument that a final assessment has used is never changed in a way that
rewrites history. Its factors, parts and summary-judgement definitions are protected from
deletion (PROTECT from the ratings and judgements), and the admin shows them read-only once a
final assessment exists. A new version of an instrument is a NEW ``Instrument`` row with the
same ``code`` and a higher ``version`` (the admin action "Kopiera till ny version" makes one);
old assessments keep pointing at the row they were made with.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class TimeFrame(models.TextChoices):
    CURRENT = "current", _("Nuvarande")
    EARLIER = "earlier", _("Tidigare")
    SINGLE = "single", _("Bedömning")


class Level(models.TextChoices):
    LOW = "low", _("Låg")
    MEDIUM = "medium", _("Medel")
    HIGH = "high", _("Hög")


class Instrument(models.Model):
    code = models.SlugField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    version = models.CharField(
        _("version"),
        max_length=20,
        default="1",
        help_text=_(
            "En ny version är en ny rad med samma kod. Ett instrument som använts i en "
            "slutförd bedömning ändras inte."
        ),
    )
    description = models.TextField(_("beskrivning"), blank=True)
    time_frames = models.JSONField(
        _("tidsramar som bedöms"),
        default=list,
        help_text=_('Lista med "current", "earlier" eller "single".'),
    )
    active = models.BooleanField(_("aktivt"), default=True)
    per_threat_actor = models.BooleanField(
        _("bedömer en hotutövare i taget"),
        default=False,
        help_text=_(
            "T.ex. SARA:SV, SAM och PATRIARK: bedömningen anger vilken hotutövare den gäller, "
            "och ärendet visar risknivån per hotutövare."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bedömningsinstrument")
        verbose_name_plural = _("bedömningsinstrument")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class InstrumentPart(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("kod"), max_length=20)
    label = models.CharField(_("rubrik"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("del av instrument")
        verbose_name_plural = _("delar av instrument")
        ordering = ["instrument", "order"]

    def __str__(self) -> str:
        return self.label


class Factor(models.Model):
    class Scale(models.TextChoices):
        NDJ = "ndj", _("Nej / Delvis / Ja / Uppgift saknas")
        YES_NO = "yes_no", _("Ja / Nej / Uppgift saknas")

    part = models.ForeignKey(InstrumentPart, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(_("kod"), max_length=20)
    label = models.CharField(_("faktor"), max_length=300)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    scale = models.CharField(_("skala"), max_length=10, choices=Scale.choices, default=Scale.NDJ)
    guidance = models.TextField(
        _("vägledning"), blank=True, help_text=_("Organisationens egen vägledningstext.")
    )
    ticks = models.JSONField(_("kryssalternativ"), default=list, blank=True)
    translated = models.BooleanField(_("översatt etikett"), default=False)
    verified = models.BooleanField(_("verifierad mot manualen"), default=True)

    class Meta:
        verbose_name = _("riskfaktor")
        verbose_name_plural = _("riskfaktorer")
        ordering = ["part", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class SummaryJudgementDefinition(models.Model):
    class Kind(models.TextChoices):
        LEVEL = "level", _("Låg / medel / hög")
        TEXT = "text", _("Fritext")
        YES_NO_TEXT = "yes_no_text", _("Ja/nej med fritext")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="summary_definitions"
    )
    code = models.CharField(_("kod"), max_length=40)
    label = models.CharField(_("rubrik"), max_length=200)
    kind = models.CharField(_("typ"), max_length=12, choices=Kind.choices)
    required = models.BooleanField(_("krävs för att slutföra"), default=True)
    police_only = models.BooleanField(
        _("endast för polisen"),
        default=False,
        help_text=_(
            "Underrättelseuppgifter: visas aldrig för socialtjänsten, inte ens vid "
            "fullständigt utlämnande."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("sammanfattande bedömning (definition)")
        verbose_name_plural = _("sammanfattande bedömningar (definitioner)")
        ordering = ["instrument", "order"]

    def __str__(self) -> str:
        return self.label


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        FINAL = "final", _("Slutförd")

    case = models.ForeignKey(
        "cases.ProtectionCase", on_delete=models.CASCADE, related_name="assessments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Den organisation som gjort bedömningen (polis eller socialtjänst)."),
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    assessed_on = models.DateField(_("bedömningsdatum"))
    finalised_at = models.DateTimeField(_("slutförd"), null=True, blank=True)
    next_reassessment_on = models.DateField(_("nästa omprövning"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reassessments",
        verbose_name=_("omprövning av"),
    )
    # Whom the assessment concerns (issue 11): threat-actor participants of the case.
    threat_actors = models.ManyToManyField(
        "cases.Participant",
        blank=True,
        related_name="+",
        verbose_name=_("hotutövare som bedömningen gäller"),
    )
    recommended_measures = models.ManyToManyField(
        "cases.MeasureKind", blank=True, related_name="+", verbose_name=_("rekommenderade åtgärder")
    )
    notes = models.TextField(_("övrigt"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senast sparad av"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hot- och riskbedömning")
        verbose_name_plural = _("hot- och riskbedömningar")
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            # One open draft per case, instrument and organisation: starting the same
            # assessment again (a lost session, a colleague) finds the draft instead of
            # forking it; concurrent edits of that draft meet the version check.
            models.UniqueConstraint(
                fields=["case", "instrument", "organisation"],
                condition=models.Q(status="draft"),
                name="one_draft_per_case_instrument_org",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(finalised_at__isnull=False),
                name="final_assessment_has_finalised_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Bedömning {self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class FactorRating(models.Model):
    """One rating of one factor in one time frame.

    The evidence note and ticks belong to the factor, not to a time frame: they are kept on
    the row of the instrument's first time frame (``current`` or ``single``) and left blank on
    the others. A blank ``rating`` on a draft means "not rated yet"; finalising turns it into
    "-" (uppgift saknas) so that a final record never leaves it open.
    """

    class Rating(models.TextChoices):
        NO = "N", _("Nej")
        PARTLY = "D", _("Delvis")
        YES = "J", _("Ja")
        OMITTED = "-", _("Uppgift saknas")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    time_frame = models.CharField(max_length=10, choices=TimeFrame.choices)
    rating = models.CharField(_("bedömning"), max_length=1, choices=Rating.choices, blank=True)
    evidence = models.TextField(_("underlag"), blank=True)
    ticks = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("faktorbedömning")
        verbose_name_plural = _("faktorbedömningar")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "factor", "time_frame"], name="one_rating_per_factor_frame"
            )
        ]

    def __str__(self) -> str:
        return f"Faktorbedömning {self.pk}"


class SummaryJudgement(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="judgements")
    definition = models.ForeignKey(
        SummaryJudgementDefinition, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("nivå"), max_length=10, choices=Level.choices, blank=True)
    answer = models.BooleanField(_("ja/nej"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("sammanfattande bedömning")
        verbose_name_plural = _("sammanfattande bedömningar")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "definition"], name="one_judgement_per_definition"
            )
        ]

    def __str__(self) -> str:
        return f"Sammanfattning {self.pk}"
