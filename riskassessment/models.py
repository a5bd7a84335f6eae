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
from cases.textlimits import SHORT_TEXT_LIMIT, TEXT_LIMIT, length_checks


class TimeFrame(models.TextChoices):
    CURRENT = "current", _("Nuvarande")
    EARLIER = "earlier", _("Tidigare")
    SINGLE = "single", _("Bedömning")


class Level(models.TextChoices):
    """The codes of the shipped summary-judgement scale ("levels"); labels come from the
    scale's steps in the database."""

    LOW = "low", _("Låg")
    MEDIUM = "medium", _("Medel")
    HIGH = "high", _("Hög")


class RatingScale(models.Model):
    """A scale the assessor rates on: a factor's scale (N/D/J, Ja/Nej, …) or the levels of a
    summary judgement (låg/medel/hög). Data, not code: the shipped scales are loaded by a
    data migration, and an administrator adds a new one (for a new instrument) in the admin.

    A scale that a final assessment has used is not changed in a way that rewrites history:
    its steps are read-only in the admin once an instrument in use refers to it."""

    class Use(models.TextChoices):
        FACTOR = "factor", _("Riskfaktorer")
        JUDGEMENT = "judgement", _("Sammanfattande bedömningar (nivåer)")

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    use = models.CharField(_("används för"), max_length=10, choices=Use.choices, default=Use.FACTOR)

    class Meta:
        verbose_name = _("bedömningsskala")
        verbose_name_plural = _("bedömningsskalor")
        ordering = ["use", "name"]

    def __str__(self) -> str:
        return self.name


class ScaleStep(models.Model):
    """One answer on a scale, in the order shown. ``code`` is what an assessment stores."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(
        _("kod"), max_length=10, help_text=_("Det som sparas i bedömningen, t.ex. N, D eller J.")
    )
    label = models.CharField(_("text"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    omitted = models.BooleanField(
        _("uppgift saknas"),
        default=False,
        help_text=_(
            "Svaret en faktor som inte bedömts får när bedömningen slutförs (högst ett per skala)."
        ),
    )

    class Meta:
        verbose_name = _("steg på skalan")
        verbose_name_plural = _("steg på skalan")
        ordering = ["scale", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="one_step_code_per_scale"),
            models.UniqueConstraint(
                fields=["scale"],
                condition=models.Q(omitted=True),
                name="one_omitted_step_per_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


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
    part = models.ForeignKey(InstrumentPart, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(_("kod"), max_length=20)
    label = models.CharField(_("faktor"), max_length=300)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    scale = models.ForeignKey(
        RatingScale,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="scale",
        default="ndj",
        related_name="factors",
        limit_choices_to={"use": RatingScale.Use.FACTOR},
        verbose_name=_("skala"),
    )
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
    scale = models.ForeignKey(
        RatingScale,
        on_delete=models.PROTECT,
        to_field="code",
        null=True,
        blank=True,
        related_name="definitions",
        limit_choices_to={"use": RatingScale.Use.JUDGEMENT},
        verbose_name=_("skala"),
        help_text=_(
            "Nivåerna att välja mellan (för typen låg / medel / hög). Tomt: låg / medel / hög."
        ),
    )
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
        # The statistics' reassessments falling due in a period (stats/indicators/risk.py).
        indexes = [
            models.Index(
                fields=["next_reassessment_on"],
                name="assessment_reassessment_due",
                condition=models.Q(status="final"),
            )
        ]
        constraints = [
            *length_checks("assessment", notes=TEXT_LIMIT),
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
    the others. ``rating`` is the code of a step on the factor's scale. A blank ``rating`` on a
    draft means "not rated yet"; finalising turns it into the scale's "uppgift saknas" step
    (``-`` on the shipped scales) so that a final record never leaves it open.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    time_frame = models.CharField(max_length=10, choices=TimeFrame.choices)
    rating = models.CharField(
        _("bedömning"), max_length=10, blank=True, help_text=_("Koden för ett steg på skalan.")
    )
    evidence = models.TextField(_("underlag"), blank=True)
    ticks = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("faktorbedömning")
        verbose_name_plural = _("faktorbedömningar")
        constraints = [
            *length_checks("rating", evidence=SHORT_TEXT_LIMIT),
            models.UniqueConstraint(
                fields=["assessment", "factor", "time_frame"], name="one_rating_per_factor_frame"
            ),
        ]

    def __str__(self) -> str:
        return f"Faktorbedömning {self.pk}"


class SummaryJudgement(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="judgements")
    definition = models.ForeignKey(
        SummaryJudgementDefinition, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(
        _("nivå"), max_length=10, blank=True, help_text=_("Koden för ett steg på skalan.")
    )
    answer = models.BooleanField(_("ja/nej"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("sammanfattande bedömning")
        verbose_name_plural = _("sammanfattande bedömningar")
        constraints = [
            *length_checks("judgement", text=TEXT_LIMIT),
            models.UniqueConstraint(
                fields=["assessment", "definition"], name="one_judgement_per_definition"
            ),
        ]

    def __str__(self) -> str:
        return f"Sammanfattning {self.pk}"
