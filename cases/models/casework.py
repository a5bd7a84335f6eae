"""Case work (issue 4): measures, kontaktförbud, follow-ups, support directory, closing,
retention. Catalogues (measure kinds, support organisations) are data, editable by admins."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.cases import Participant, ProtectionCase
from cases.textlimits import TEXT_LIMIT, length_checks


class Party(models.TextChoices):
    POLICE = "police", _("Polisen")
    SOCIAL = "social", _("Socialtjänsten")


class MeasureKind(models.Model):
    class Category(models.TextChoices):
        OFFENSIVE = "offensive", _("Offensiv (riktad mot hotutövaren)")
        DEFENSIVE = "defensive", _("Defensiv (för skyddspersonen)")
        SUPPORTING = "supporting", _("Stödjande")
        SOCIAL = "social", _("Socialtjänstens insats")

    code = models.SlugField(_("kod"), max_length=60, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    category = models.CharField(_("kategori"), max_length=12, choices=Category.choices)
    default_party = models.CharField(
        _("ansvarig part som standard"), max_length=10, choices=Party.choices
    )
    records_statement = models.BooleanField(
        _("kräver utlåtande"),
        default=False,
        help_text=_("T.ex. skyddade personuppgifter: polisens utlåtande till Skatteverket."),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("typ av skyddsåtgärd")
        verbose_name_plural = _("typer av skyddsåtgärder")
        ordering = ["category", "order", "name"]

    def __str__(self) -> str:
        return self.name


class ProtectiveMeasureQuerySet(models.QuerySet["ProtectiveMeasure"]):
    def current(self) -> ProtectiveMeasureQuerySet:
        """Planned and ongoing measures (what is in force or about to be)."""
        return self.filter(status__in=ProtectiveMeasure.CURRENT_STATUSES)


class ContactBanQuerySet(models.QuerySet["ContactBan"]):
    def in_force(self, on: date | None = None) -> ContactBanQuerySet:
        """Granted or extended bans whose period covers ``on`` (today by default)."""
        day = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            status__in=ContactBan.IN_FORCE_STATUSES,
        )


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> FollowUpQuerySet:
        """Not done yet."""
        return self.filter(done_on__isnull=True)


class ProtectiveMeasure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        ACTIVE = "active", _("Pågående")
        ENDED = "ended", _("Avslutad")
        DECLINED = "declined", _("Avböjd")

    CURRENT_STATUSES = (Status.PLANNED, Status.ACTIVE)

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="measures")
    kind = models.ForeignKey(MeasureKind, on_delete=models.PROTECT, related_name="+")
    responsible_party = models.CharField(_("ansvarig part"), max_length=10, choices=Party.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    note_shared = models.BooleanField(
        _("delad med socialtjänsten"),
        default=False,
        help_text=_("Polisens anteckning visas för socialtjänsten bara om den är delad."),
    )
    statement_date = models.DateField(_("datum för utlåtande"), null=True, blank=True)
    statement_text = models.TextField(_("utlåtande"), blank=True)
    # The recipient organisation (social services) that wrote the row: only it – and the
    # police – may change it. None: written by the police.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skriven av organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The kontaktförbud this measure follows (issue 11): recording or granting a ban keeps
    # its measures "Kontaktförbud" and "Uppföljning av kontaktförbud" in step.
    contact_ban = models.ForeignKey(
        "cases.ContactBan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("kontaktförbud"),
    )

    objects = ProtectiveMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("skyddsåtgärd")
        verbose_name_plural = _("skyddsåtgärder")
        ordering = ["status", "start_date", "pk"]
        constraints = [
            *length_checks("measure", note=TEXT_LIMIT, statement_text=TEXT_LIMIT),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="measure_end_after_start",
            ),
        ]
        # The case list's kontaktförbud filter: the cases with a measure of some kinds.
        indexes = [models.Index(fields=["kind", "case"], name="measure_kind_case")]

    def __str__(self) -> str:
        return f"Åtgärd {self.pk}"


class ContactBan(models.Model):
    """Kontaktförbud (formerly besöksförbud), decided by the prosecutor."""

    class BanType(models.TextChoices):
        ORDINARY = "ordinary", _("Kontaktförbud")
        SHARED_HOME = "shared_home", _("Kontaktförbud avseende gemensam bostad")
        EXTENDED = "extended", _("Utvidgat kontaktförbud")
        SPECIALLY_EXTENDED = "specially_extended", _("Särskilt utvidgat kontaktförbud")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Begärt")
        GRANTED = "granted", _("Beviljat")
        REFUSED = "refused", _("Avslaget")
        REVOKED = "revoked", _("Hävt")
        EXTENDED = "extended", _("Förlängt")
        COURT_REVIEW = "court_review", _("Under domstolsprövning")

    IN_FORCE_STATUSES = (Status.GRANTED, Status.EXTENDED)

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="contact_bans")
    ban_type = models.CharField(_("typ"), max_length=20, choices=BanType.choices)
    electronic_monitoring = models.BooleanField(_("elektronisk övervakning"), default=False)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.REQUESTED
    )
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    deciding_body = models.CharField(_("beslutande myndighet"), max_length=200, blank=True)
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_until = models.DateField(_("gäller till"), null=True, blank=True)
    protected_participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skyddad person"),
    )
    restricted_participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person som förbudet gäller"),
    )
    note = models.TextField(_("anteckning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ContactBanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kontaktförbud")
        verbose_name_plural = _("kontaktförbud")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            *length_checks("contact_ban", note=TEXT_LIMIT),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="contact_ban_until_after_from",
            ),
            models.CheckConstraint(
                condition=~Q(protected_participant=F("restricted_participant")),
                name="contact_ban_two_different_participants",
            ),
        ]

    def __str__(self) -> str:
        return f"Kontaktförbud {self.pk}"


class ContactBanBreach(models.Model):
    ban = models.ForeignKey(ContactBan, on_delete=models.CASCADE, related_name="breaches")
    occurred_on = models.DateField(_("datum för överträdelsen"))
    reported_on = models.DateField(_("anmält"), null=True, blank=True)
    description = models.TextField(_("beskrivning"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("överträdelse av kontaktförbud")
        verbose_name_plural = _("överträdelser av kontaktförbud")
        ordering = ["-occurred_on"]
        constraints = [*length_checks("breach", description=TEXT_LIMIT)]

    def __str__(self) -> str:
        return f"Överträdelse {self.pk}"


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        CONVERSATION = "conversation", _("Uppföljningssamtal")
        MEASURES_REVIEW = "measures_review", _("Översyn av åtgärder")
        REASSESSMENT = "reassessment", _("Ny riskbedömning")
        LOAN_REVIEW = "loan_review", _("Översyn av lån")
        AFTER_ALARM = "after_alarm", _("Efter larm")
        OTHER = "other", _("Annat")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    due_date = models.DateField(_("senast"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("ansvarig"),
    )
    responsible_party = models.CharField(
        _("ansvarig part"), max_length=10, choices=Party.choices, default=Party.POLICE
    )
    note = models.TextField(_("anteckning"), blank=True)
    note_shared = models.BooleanField(
        _("delad med socialtjänsten"),
        default=False,
        help_text=_("Polisens anteckning visas för socialtjänsten bara om den är delad."),
    )
    done_on = models.DateField(_("utförd"), null=True, blank=True)
    outcome = models.TextField(_("resultat"), blank=True)
    # The recipient organisation (social services) that wrote the row: only it – and the
    # police – may change it. None: written by the police.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skriven av organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        ordering = ["done_on", "due_date", "pk"]
        indexes = [
            models.Index(fields=["case", "done_on", "due_date"]),
            # The reminders' "overdue" and "no planned follow-up" sweeps read only the open
            # ones (issue 16: a seq scan of 300,000 follow-ups per start page of a head).
            models.Index(
                fields=["due_date"],
                include=["case", "assignee", "id"],
                condition=Q(done_on__isnull=True),
                name="followup_open_due",
            ),
            models.Index(
                fields=["case"], condition=Q(done_on__isnull=True), name="followup_open_case"
            ),
        ]
        constraints = [*length_checks("followup", note=TEXT_LIMIT, outcome=TEXT_LIMIT)]

    def __str__(self) -> str:
        return f"Uppföljning {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.done_on is None


class SupportOrganisation(models.Model):
    """Stödverksamhet per kommun (seed 003, bilaga 2) and national lines."""

    class Kind(models.TextChoices):
        A = "A", _("A – Brottsofferjour")
        B = "B", _("B – Kvinnojour")
        C = "C", _("C – Kvinnocentrum")
        D = "D", _("D – Socialkontor vuxen")
        E = "E", _("E – Försörjningsstöd")
        F = "F", _("F – Socialkontor barn")
        G = "G", _("G – Socialkontor ungdom")
        H = "H", _("H – Socialjour (utanför kontorstid)")
        TJEJJOUR = "tjejjour", _("Tjejjour")
        SHELTER = "shelter", _("Skyddat boende")
        NATIONAL_LINE = "national_line", _("Nationell stödlinje")
        VIOLENCE_USERS = "violence_users", _("Stöd för den som utövar våld")
        OTHER = "other", _("Annan stödverksamhet")

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    municipality_code = models.CharField(_("kommunkod"), max_length=4, blank=True)
    municipality_name = models.CharField(_("kommun"), max_length=100, blank=True)
    national = models.BooleanField(_("nationell"), default=False)
    phone = models.CharField(_("telefon"), max_length=60, blank=True)
    opening_hours = models.CharField(_("öppettider"), max_length=200, blank=True)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    address_confidential = models.BooleanField(_("adressen är hemlig"), default=False)
    note = models.TextField(_("anteckning"), blank=True)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("stödverksamhet")
        verbose_name_plural = _("stödverksamheter")
        ordering = ["municipality_name", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class SupportInformation(models.Model):
    """Which support organisations a person was told about (police duty to inform), or a
    threat actor's referral."""

    case = models.ForeignKey(
        ProtectionCase, on_delete=models.CASCADE, related_name="support_information"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        SupportOrganisation, on_delete=models.PROTECT, related_name="+"
    )
    is_referral = models.BooleanField(_("remiss/hänvisning"), default=False)
    informed_on = models.DateField(_("datum"))
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    # "Får stödorganisationen kontakta personen?" – asked since issue 15; unknown (None) on
    # older rows and on referrals. One registration for several persons makes one row per
    # person and organisation, all with the same answer and note.
    may_contact = models.BooleanField(
        _("får stödorganisationen kontakta personen"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("information om stöd")
        verbose_name_plural = _("information om stöd")
        ordering = ["-informed_on"]

    def __str__(self) -> str:
        return f"Stödinformation {self.pk}"


class CaseClosure(models.Model):
    """A closing of a case (and, if reopened, who reopened it and why)."""

    class Reason(models.TextChoices):
        THREAT_GONE = "threat_gone", _("Hotet bedöms inte längre föreligga")
        MOVED = "moved", _("Skyddspersonen har flyttat till annat län")
        DECLINED = "declined", _("Skyddspersonen avböjer fortsatta insatser")
        TRANSFERRED = "transferred", _("Ärendet har överlämnats")
        DECEASED = "deceased", _("Skyddspersonen har avlidit")
        OTHER = "other", _("Annat skäl")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(_("skäl"), max_length=20, choices=Reason.choices)
    reason_text = models.CharField(_("beskrivning av skälet"), max_length=300, blank=True)
    final_note = models.TextField(_("slutanteckning"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reopen_reason = models.TextField(_("skäl för återöppning"), blank=True)
    # One note may be added after closing (issue 11): what happened afterwards, once.
    closing_note = models.TextField(_("anteckning efter avslut"), blank=True)
    closing_note_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avslut")
        verbose_name_plural = _("avslut")
        ordering = ["-closed_at"]
        constraints = [
            *length_checks(
                "closure", final_note=TEXT_LIMIT, reopen_reason=TEXT_LIMIT, closing_note=TEXT_LIMIT
            )
        ]

    def __str__(self) -> str:
        return f"Avslut {self.pk}"


class LegalHold(models.Model):
    """Stops the retention purge of a case."""

    case = models.OneToOneField(ProtectionCase, on_delete=models.CASCADE, related_name="legal_hold")
    reason = models.TextField(_("skäl"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking like every other edit: a second save of the reason from a stale
    # page is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("bevarandebeslut")
        verbose_name_plural = _("bevarandebeslut")
        constraints = [*length_checks("legal_hold", reason=TEXT_LIMIT)]

    def __str__(self) -> str:
        return f"Bevarande {self.pk}"


class RetentionPolicy(models.Model):
    """Gallringsfrist per organisation kind, counted from the day a case was closed."""

    organisation_kind = models.CharField(_("organisationstyp"), max_length=10, unique=True)
    retention_days = models.PositiveIntegerField(_("gallringsfrist i dagar"))

    class Meta:
        verbose_name = _("gallringsfrist")
        verbose_name_plural = _("gallringsfrister")

    def __str__(self) -> str:
        return f"{self.organisation_kind}: {self.retention_days} dagar"


class PurgeProtocol(models.Model):
    """What a retention purge removed: references and counts only, never personal data."""

    case_reference = models.CharField(max_length=40)
    closed_on = models.DateField(null=True)
    purged_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)
    run_by = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("gallringsprotokoll")
        verbose_name_plural = _("gallringsprotokoll")
        ordering = ["-purged_at"]

    def __str__(self) -> str:
        return f"Gallring {self.case_reference}"
