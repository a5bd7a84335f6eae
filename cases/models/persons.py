"""Persons (protected, relatives, children, threat actors) and secret dwellings."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.textlimits import SHORT_TEXT_LIMIT, length_checks

# Fields whose values never enter the change history in clear: the history records only
# that they changed (in the change reason, by field label).
PERSON_PROTECTED_FIELDS = [
    "first_name",
    "last_name",
    "personnummer",
    "personnummer_hmac",
    "date_of_birth",
]
# The contact details (phone, address) are not the person's: they are the case's, on
# cases.models.Participant (a person can be in cases that may not open each other).
CONTACT_FIELDS = ("phone", "street_address", "postal_code", "city")


def personnummer_hmac(normalised: str) -> str:
    """Keyed hash of a normalised 12-digit personnummer, for exact search without a scan."""
    return hmac.new(
        settings.PERSONNUMMER_HMAC_KEY.encode(), normalised.encode(), hashlib.sha256
    ).hexdigest()


class Person(models.Model):
    class Protection(models.TextChoices):
        NONE = "none", _("Inget skydd")
        SEKRETESSMARKERING = "sekretessmarkering", _("Sekretessmarkering")
        SKYDDAD_FOLKBOKFORING = "skyddad_folkbokforing", _("Skyddad folkbokföring")
        FINGERADE = "fingerade", _("Fingerade personuppgifter")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    personnummer = models.CharField(
        _("personnummer eller samordningsnummer"),
        max_length=13,
        blank=True,
        help_text=_("ÅÅÅÅMMDD-NNNN. Lämna tomt och ange födelsedatum om nummer saknas."),
    )
    personnummer_hmac = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    date_of_birth = models.DateField(_("födelsedatum"), null=True, blank=True)
    protection = models.CharField(
        _("skyddade personuppgifter"),
        max_length=30,
        choices=Protection.choices,
        default=Protection.NONE,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=PERSON_PROTECTED_FIELDS)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        constraints = [
            # One person per personnummer/samordningsnummer (issue 11): intake reuses the
            # record (cases.services.identity); a person without a number has no hash.
            models.UniqueConstraint(
                fields=["personnummer_hmac"],
                condition=~models.Q(personnummer_hmac=""),
                name="one_person_per_personnummer",
            )
        ]
        # The name search's ``icontains`` is UPPER(name) LIKE '%term%': trigram indexes on
        # that expression (PostgreSQL only, migration 0030; SQLite scans).
        indexes = [
            GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_trgm"),
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_trgm"),
        ]

    def __str__(self) -> str:
        # Deliberately no name: __str__ ends up in logs, admin messages and error pages.
        return f"Person {self.key}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def address_is_suppressed(self) -> bool:
        """Skyddad folkbokföring and fingerade: the real address is never listed or printed."""
        return self.protection in {
            self.Protection.SKYDDAD_FOLKBOKFORING,
            self.Protection.FINGERADE,
        }

    @property
    def has_protected_identity(self) -> bool:
        return self.protection != self.Protection.NONE


class SecretDwelling(models.Model):
    """Hemligt/skyddat boende. May be known only to the case's assigned police staff."""

    # A dwelling belongs to the case that registered it: a person may be in several cases,
    # and a dwelling known only to one case's assigned staff must not surface in another.
    case = models.ForeignKey(
        "cases.ProtectionCase", on_delete=models.CASCADE, related_name="secret_dwellings"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="secret_dwellings")
    description = models.CharField(
        _("typ av boende"), max_length=200, help_text=_("T.ex. tillfälligt skyddat boende.")
    )
    address = models.TextField(_("adress och uppgifter"))
    police_only = models.BooleanField(
        _("känt endast av tilldelad polispersonal"),
        default=False,
        help_text=_(
            "Då ser inte ens andra polisanvändare var personen bor – bara de handläggare som "
            "är tilldelade ärendet."
        ),
    )
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_until = models.DateField(_("gäller till"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hemligt boende")
        verbose_name_plural = _("hemliga boenden")
        constraints = [*length_checks("dwelling", address=SHORT_TEXT_LIMIT)]

    def __str__(self) -> str:
        return f"Boende {self.pk}"
