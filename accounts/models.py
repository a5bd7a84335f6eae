"""Users, organisations and memberships.

A user logs in with an e-mail address and may belong to several organisations. What a user may
see of cases is decided in ``cases/access.py`` from these memberships; nothing here grants
access to case data by itself.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-postadress"), unique=True)
    full_name = models.CharField(_("namn"), max_length=200)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("systemadministratör"),
        default=False,
        help_text=_("Får logga in i administrationen. Ger ingen tillgång till ärenden."),
    )
    date_joined = models.DateTimeField(_("skapad"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        POLICE_UNIT = "police", _("Polisenhet")
        SOCIAL_SERVICES = "social", _("Socialtjänst")
        ADMINISTRATION = "admin", _("Systemförvaltning")

    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("namn"), max_length=200, unique=True)
    municipality_code = models.CharField(
        _("kommunkod"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunkoden består av fyra siffror."))],
        help_text=_("Fyra siffror (SCB), t.ex. 1983 för Köping. Krävs för socialtjänst."),
    )
    municipality_name = models.CharField(_("kommun"), max_length=100, blank=True)
    reference_prefix = models.CharField(
        _("prefix för diarienummer"),
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z0-9-]+$", _("Endast versaler, siffror och bindestreck."))
        ],
        help_text=_("Polisenhetens prefix, t.ex. PSS-U ger PSS-U-2026-00042."),
    )
    secrecy_marking = models.CharField(
        _("sekretessmarkering på utskrifter"),
        max_length=200,
        default="SEKRETESS enligt OSL",
        help_text=_("Text i sidhuvudet på utskrifter, t.ex. 'SEKRETESS enligt 35 kap. 1 § OSL'."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="social") | ~Q(municipality_code=""),
                name="social_services_has_municipality",
            ),
            models.CheckConstraint(
                condition=~Q(kind="police") | ~Q(reference_prefix=""),
                name="police_unit_has_reference_prefix",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind == self.Kind.POLICE_UNIT

    @property
    def is_social_services(self) -> bool:
        return self.kind == self.Kind.SOCIAL_SERVICES


class Membership(models.Model):
    class Role(models.TextChoices):
        HANDLER = "handler", _("Handläggare")
        HEAD = "head", _("Enhetschef")
        ADMIN = "admin", _("Administratör")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=10, choices=Role.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


def active_memberships(user: User) -> list[Membership]:
    """The user's active memberships with their organisations (active or not), read once per
    user object. A request's user is one object, so the menu (skydd.context_processors) and
    cases.access share this one query (they were two on every page, issue 16); a change of
    memberships shows from the next request on."""
    cached: list[Membership] | None = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = _read_active_memberships(user.pk)
        user._active_memberships = cached  # type: ignore[attr-defined]
    return cached


@functools.cache
def _memberships_statement(vendor: str) -> str:
    """Every column of the membership and of its organisation, in ``_ROW_MODELS``' order."""
    del vendor  # a key only: the quoting of the database the statement is for
    quote = connection.ops.quote_name
    columns = [
        f"{alias}.{quote(str(field.column))}"
        for alias, model in (("m", Membership), ("o", Organisation))
        for field in model._meta.concrete_fields
    ]
    return (
        f"SELECT {', '.join(columns)} FROM {quote(Membership._meta.db_table)} m "  # noqa: S608 - names only
        f"JOIN {quote(Organisation._meta.db_table)} o ON o.id = m.organisation_id "
        "WHERE m.user_id = %s AND m.is_active = %s ORDER BY m.id"
    )


def _read_active_memberships(user_id: int) -> list[Membership]:
    """``Membership.objects.filter(user=…, is_active=True).select_related("organisation")``
    as one hand-written statement: building that query was about 1 ms of Python on every
    page for a fraction of that in the database (issue 16, profiled). The same instances
    (``Model.from_db``, the organisation cached on its membership as select_related does);
    tests/accounts/test_active_memberships.py holds them to the ORM's."""
    with connection.cursor() as cursor:
        cursor.execute(_memberships_statement(connection.vendor), [user_id, True])
        rows = cursor.fetchall()
    m_fields = Membership._meta.concrete_fields
    o_fields = Organisation._meta.concrete_fields
    m_names = [f.attname for f in m_fields]
    o_names = [f.attname for f in o_fields]
    # The booleans as bool on every database (SQLite gives 0 and 1 without the ORM).
    m_flags = [i for i, f in enumerate(m_fields) if isinstance(f, models.BooleanField)]
    o_flags = [i for i, f in enumerate(o_fields) if isinstance(f, models.BooleanField)]
    organisation = Membership._meta.get_field("organisation")
    found = []
    for row in rows:
        m_values, o_values = list(row[: len(m_names)]), list(row[len(m_names) :])
        for i in m_flags:
            m_values[i] = bool(m_values[i])
        for i in o_flags:
            o_values[i] = bool(o_values[i])
        membership = Membership.from_db(connection.alias, m_names, m_values)
        organisation.set_cached_value(  # type: ignore[attr-defined]
            membership, Organisation.from_db(connection.alias, o_names, o_values)
        )
        found.append(membership)
    return found


class UserSession(models.Model):
    """Links a login session to its user so that deactivation can end every session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inloggningssession")
        verbose_name_plural = _("inloggningssessioner")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.created_at:%Y-%m-%d %H:%M}"


class AdminAction(LogEntry):
    """Django's admin log, listed for review ("Administratörsåtgärder" in the admin)."""

    class Meta:
        proxy = True
        verbose_name = _("administratörsåtgärd")
        verbose_name_plural = _("administratörsåtgärder")
        default_permissions = ("view",)
        ordering = ["-action_time"]


class AdminActionReview(models.Model):
    """Another administrator has looked at one administrator action (never the actor)."""

    entry = models.OneToOneField(LogEntry, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("granskad"), default=timezone.now)

    class Meta:
        verbose_name = _("granskning av administratörsåtgärd")
        verbose_name_plural = _("granskningar av administratörsåtgärder")

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.reviewed_at:%Y-%m-%d %H:%M}"
