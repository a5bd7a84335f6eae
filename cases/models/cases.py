"""Protection cases, participants, journal, break-the-glass grants, guardian tables."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from cases.models.persons import Person
from cases.textlimits import BREAK_GLASS_REASON_LIMIT, SHORT_TEXT_LIMIT, TEXT_LIMIT, length_checks


class ProtectionCaseQuerySet(models.QuerySet["ProtectionCase"]):
    def open(self) -> ProtectionCaseQuerySet:
        return self.filter(status=ProtectionCase.Status.OPEN)


# The key of the case list's indexes: a unit's cases by opening date and number.
LIST_ORDER = ["unit", "opened_on", "number"]


class ProtectionCase(models.Model):
    class Category(models.TextChoices):
        CLOSE_RELATIONSHIP = "close_relationship", _("Våld i nära relation")
        HONOUR = "honour", _("Hedersrelaterat våld och förtryck")
        STALKING = "stalking", _("Stalkning/förföljelse")
        WITNESS = "witness", _("Vittne/bevisperson")
        INFORMANT = "informant", _("Informatör")
        JUSTICE_EMPLOYEE = "justice_employee", _("Anställd i rättsväsendet")
        RELATIVE = "relative", _("Närstående till ovanstående")
        OTHER = "other", _("Annan hotbild")

    class Status(models.TextChoices):
        OPEN = "open", _("Öppet")
        CLOSED = "closed", _("Avslutat")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("diarienummer"), max_length=40, unique=True, editable=False)
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("ansvarig polisenhet"),
        limit_choices_to={"kind": Organisation.Kind.POLICE_UNIT},
    )
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    category = models.CharField(_("kategori"), max_length=30, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    threat_picture = models.TextField(
        _("hotbild"), blank=True, help_text=_("Kort beskrivning av hotbilden.")
    )
    restricted = models.BooleanField(
        _("särskilt personsäkerhetsarbete"),
        default=False,
        help_text=_("Synligt endast för tilldelade handläggare och enhetschef."),
    )
    opened_on = models.DateField(_("öppnat"))
    closed_on = models.DateField(_("avslutat"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived, for the case list's kontaktförbud filter (issue 16): the case has a
    # kontaktförbud row or a measure of a kontaktförbud kind, whatever their status. Kept by
    # the services that add those rows or change a measure's kind, in their transaction
    # (cases.casework.services.bans.refresh_contact_ban_flags); never set it by hand.
    has_contact_ban = models.BooleanField(default=False, editable=False)

    # The derived flag is no event of the case: not in its history.
    history = HistoricalRecords(excluded_fields=["threat_picture", "has_contact_ban"])

    objects = ProtectionCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("skyddsärende")
        verbose_name_plural = _("skyddsärenden")
        ordering = ["-opened_on", "-number"]
        constraints = [
            *length_checks("case", threat_picture=TEXT_LIMIT),
            models.UniqueConstraint(fields=["unit", "year", "number"], name="case_number_per_unit"),
        ]
        # The statistics' date filters (stats/indicators): a unit's cases by opening date
        # (also the case list's order), all units' by opening date, and closings.
        indexes = [
            models.Index(fields=["unit", "opened_on"], name="case_unit_opened"),
            models.Index(fields=["opened_on"], name="case_opened"),
            models.Index(
                fields=["closed_on"], name="case_closed", condition=Q(closed_on__isnull=False)
            ),
            # The case list (issue 16): a page's ids straight from the index, in list order,
            # for every filter; id and restricted as trailing columns so that the scan never
            # visits the table (portable, unlike INCLUDE).
            models.Index(fields=[*LIST_ORDER, "id", "restricted"], name="case_list"),
            models.Index(
                fields=["unit", "status", *LIST_ORDER[1:], "id", "restricted"],
                name="case_list_status",
            ),
            models.Index(
                fields=["unit", "category", *LIST_ORDER[1:], "id", "restricted", "status"],
                name="case_list_category",
            ),
            # The kontaktförbud filter: the few cases with a ban, in list order.
            models.Index(
                fields=[*LIST_ORDER, "id", "restricted"],
                name="case_list_contact_ban",
                condition=Q(has_contact_ban=True),
            ),
            # The statistics' risk figures (issue 16): every case's unit and opening date in
            # id order, from the index alone, merged with the assessments in case order.
            models.Index(fields=["id", "unit", "opened_on"], name="case_id_unit_opened"),
        ]
        # Object permissions only (guardian); never grant these model-wide.
        default_permissions = ("view", "change")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ProtectionCaseUserObjectPermission(UserObjectPermissionBase):
    """Assignment of a responsible handler = object permissions on the case (guardian)."""

    content_object = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE)


class ProtectionCaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE)


class Participant(models.Model):
    class Role(models.TextChoices):
        PROTECTED = "protected", _("Skyddsperson")
        RELATIVE = "relative", _("Närstående")
        CHILD = "child", _("Barn")
        THREAT_ACTOR = "threat_actor", _("Hotutövare")

    class Relationship(models.TextChoices):
        """How the participant is related to the protected person (for a threat actor: what
        the threat grows from)."""

        PARTNER = "partner", _("Partner (gift, sambo eller i en relation)")
        FORMER_PARTNER = "former_partner", _("Tidigare partner")
        FAMILY = "family", _("Familj eller släkt")
        ACQUAINTANCE = "acquaintance", _("Bekant, granne eller kollega")
        STRANGER = "stranger", _("Okänd för skyddspersonen")
        OTHER = "other", _("Annan relation")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    relationship = models.CharField(
        _("relation till skyddspersonen"), max_length=20, choices=Relationship.choices, blank=True
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    # Contact details belong to the person's role in this case, not to the person: one
    # person (one personnummer) can be in cases of units that may not open each other's
    # cases, and what one unit registered must never show in another's case. The rows of
    # one person in one case (several roles) are kept alike (cases.services.persons).
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    street_address = models.CharField(_("gatuadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    # Optimistic locking of the contact details (the person's identity has its own version).
    contact_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="one_role_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} i {self.case_id}"


class JournalEntry(models.Model):
    class Visibility(models.TextChoices):
        POLICE_INTERNAL = "police", _("Polisintern")
        SHARED = "shared", _("Delad med socialtjänsten")

    class Kind(models.TextChoices):
        NOTE = "note", _("Anteckning")
        EVENT = "event", _("Händelse")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="journal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    visibility = models.CharField(
        _("synlighet"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.POLICE_INTERNAL,
    )
    occurred_on = models.DateField(_("datum"))
    # A structured event (cases.journal): its code and parameters; rendered when read.
    # Empty for a handler's own note and for entries written before events existed.
    event = models.CharField(_("händelse"), max_length=50, blank=True, default="")
    params = models.JSONField(_("parametrar"), default=dict, blank=True)
    # The Swedish text: what a note says, or the event as rendered when it was written.
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journalanteckning")
        verbose_name_plural = _("journalanteckningar")
        ordering = ["-occurred_on", "-created_at"]
        constraints = [*length_checks("journal", text=TEXT_LIMIT)]

    def __str__(self) -> str:
        return f"Journal {self.pk}"

    @property
    def display_text(self) -> str:
        """The entry in the reader's (current) language."""
        from cases.journal import render

        return render(self)


class BreakGlassAccess(models.Model):
    """A unit colleague's time-limited access to one case, with the stated reason."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass"
    )
    reason = models.TextField(_("skäl"))
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # True once the opening has its BreakGlassReview: set by the one writer of reviews
    # (cases.breakglass.review) in the review's transaction, so that the head's list and
    # count find the unreviewed openings from a partial index instead of an anti-join of
    # every opening with every review (issue 16; cases 0042 filled it in). A database
    # default too: rows written outside Django (the benchmarks' seeds) start unreviewed.
    reviewed = models.BooleanField(_("granskad"), default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("nödåtkomst")
        verbose_name_plural = _("nödåtkomster")
        indexes = [
            models.Index(fields=["user", "expires_at"]),
            # The head's list (cases.breakglass.head_list): the recent and the active ones.
            models.Index(fields=["granted_at"], name="breakglass_granted_at"),
            models.Index(fields=["expires_at"], name="breakglass_expires_at"),
            # ... and the older unreviewed ones: a few hundred in the country, however long
            # the history of reviewed openings grows.
            models.Index(
                fields=["granted_at"],
                condition=Q(reviewed=False),
                name="breakglass_unreviewed",
            ),
        ]
        constraints = [*length_checks("breakglass", reason=BREAK_GLASS_REASON_LIMIT)]

    def __str__(self) -> str:
        return f"Nödåtkomst {self.pk}"


class BreakGlassReview(models.Model):
    """The head's review of one break-the-glass opening: who, when, and a comment. Written
    once (cases/breakglass.py), never edited; the opening's access-log rows stay as they are."""

    grant = models.OneToOneField(
        BreakGlassAccess,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("nödåtkomst"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    reviewed_at = models.DateTimeField(_("granskad"), default=timezone.now, editable=False)
    comment = models.TextField(_("kommentar"))

    class Meta:
        verbose_name = _("granskning av nödåtkomst")
        verbose_name_plural = _("granskningar av nödåtkomst")
        constraints = [*length_checks("breakglass_review", comment=SHORT_TEXT_LIMIT)]

    def __str__(self) -> str:
        return f"Granskning {self.pk}"
