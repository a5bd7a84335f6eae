"""Devices and their readiness: who may see a device, whether it may be lent, recording a
readiness check, status changes, and the query helpers other parts (inventory filters,
notification rules) call.

Devices belong to a police unit; only that unit's police staff (handlers and the head) reach
them. Social services and administrators never do (``get_device_for_user`` answers 404).
Loans live in alarms.loans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import (
    BooleanField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from alarms.models import CheckDefinition, CheckResult, Device, DeviceKind, Loan, ReadinessCheck
from cases import access
from cases.errors import Conflict, Invalid, NotAllowed

# Statuses an administrator-free workflow may set by hand; "utlånad" follows the loans.
MANUAL_STATUSES = (Device.Status.IN_STORE, Device.Status.SERVICE, Device.Status.RETIRED)
GONE = (Device.Status.LOST, Device.Status.RETIRED)


def stamp(instance: object, actor: User | None, reason: str) -> None:
    """Tell simple-history who made this save and why (read by its post_save handler)."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


# --- access ----------------------------------------------------------------------------------


def device_unit_ids(user: User) -> list[int]:
    """The police units whose devices the user may see: handler or head of the unit."""
    return access.police_unit_ids(user)


def may_use_devices(user: User) -> bool:
    return bool(device_unit_ids(user))


def units_for(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=device_unit_ids(user)).order_by("name"))


def devices_for(user: User) -> QuerySet[Device]:
    return Device.objects.filter(unit_id__in=device_unit_ids(user))


def get_device_for_user(user: User, key: UUID | str) -> Device:
    """The device with this key if the user is police staff of its unit, else NotAllowed
    (answered 404)."""
    try:
        return devices_for(user).select_related("kind", "unit").get(key=key)
    except (Device.DoesNotExist, ValueError) as exc:
        raise NotAllowed() from exc


def _require_unit(actor: User, unit_id: int) -> None:
    if unit_id not in device_unit_ids(actor):
        raise NotAllowed()


# --- readiness -------------------------------------------------------------------------------


class Days(Func):
    """A whole number of days as a duration, on PostgreSQL and on SQLite (the local
    `make run` database, where an integer times a duration is refused)."""

    output_field = DurationField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="make_interval(days => %(expressions)s)")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps durations as microseconds.
        return self.as_sql(compiler, connection, template="(%(expressions)s * 86400000000)")


def checks_overdue(now: datetime | None = None) -> Exists:
    """True for a device with a required check whose last pass is older than the check's
    interval, or added to the kind after the last pass (so never checked), or never checked."""
    now = now or timezone.now()
    cutoff = ExpressionWrapper(Value(now) - Days(F("interval_days")), output_field=DateTimeField())
    stale = (
        CheckDefinition.objects.filter(kind=OuterRef("kind"), active=True)
        .annotate(cutoff=cutoff)
        .filter(
            Q(cutoff__gt=OuterRef("last_checked_at"))
            | Q(created_at__gt=OuterRef("last_checked_at"))
        )
    )
    return Exists(stale)


def with_readiness(qs: QuerySet[Device], now: datetime | None = None) -> QuerySet[Device]:
    """Annotate ``overdue`` (checks overdue or never passed) and ``lendable``."""
    qs = qs.annotate(
        overdue=ExpressionWrapper(
            Q(last_checked_at__isnull=True) | Q(checks_overdue(now)), output_field=BooleanField()
        )
    )
    return qs.annotate(
        lendable=ExpressionWrapper(
            Q(status=Device.Status.IN_STORE, needs_check=False, check_failed=False, overdue=False),
            output_field=BooleanField(),
        )
    )


def not_ready_reasons(device: Device) -> list[str]:
    """Why the device cannot be lent now, one Swedish sentence each ([] when it can).
    ``device`` must come from ``with_readiness``."""
    reasons = []
    if device.status != Device.Status.IN_STORE:
        reasons.append(
            _("Enheten har status ”%(status)s” och kan bara lånas ut från förrådet.")
            % {"status": device.get_status_display()}
        )
    if device.status in GONE:
        return reasons
    if device.needs_check:
        reasons.append(
            _(
                "Enheten är ny eller har återlämnats och har inte beredskapskontrollerats sedan "
                "dess."
            )
        )
    if device.check_failed:
        reasons.append(_("Den senaste beredskapskontrollen underkändes."))
    if getattr(device, "overdue", False) and not device.needs_check:
        if device.last_checked_at is None:
            reasons.append(_("Enheten har aldrig godkänts i en beredskapskontroll."))
        else:
            reasons.append(
                _("Beredskapskontrollen är försenad (senast godkänd %(date)s).")
                % {"date": timezone.localdate(device.last_checked_at).isoformat()}
            )
    return reasons


def readiness_of(device: Device) -> list[str]:
    """``not_ready_reasons`` for one device, read fresh from the database."""
    fresh = with_readiness(Device.objects.filter(pk=device.pk)).get()
    return not_ready_reasons(fresh)


def active_checks(kind: DeviceKind) -> list[CheckDefinition]:
    return list(kind.checks.filter(active=True).order_by("order", "pk"))


def record_check(
    actor: User, device: Device, *, passed: set[int], note: str = ""
) -> ReadinessCheck:
    """Record a readiness check now: every active check of the kind, passed or not. A check
    where all pass makes the device ready again (also after a return); any failure marks the
    device not ready until a later check passes."""
    _require_unit(actor, device.unit_id)
    definitions = active_checks(device.kind)
    if not definitions:
        raise Invalid(_("Typen har inga beredskapskontroller att registrera."))
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.status in GONE:
            raise Invalid(
                _("En enhet med status ”%(status)s” kontrolleras inte.")
                % {"status": locked.get_status_display()}
            )
        now = timezone.now()
        all_passed = all(d.pk in passed for d in definitions)
        check = ReadinessCheck.objects.create(
            device=locked, performed_by=actor, performed_at=now, passed=all_passed, note=note
        )
        CheckResult.objects.bulk_create(
            CheckResult(check_run=check, definition=d, label=d.label, passed=d.pk in passed)
            for d in definitions
        )
        if all_passed:
            locked.last_checked_at = now
            locked.check_failed = False
            locked.needs_check = False
        else:
            locked.check_failed = True
        locked.version += 1
        stamp(locked, actor, "beredskapskontroll")
        locked.save()
    device.refresh_from_db()
    return check


# --- devices ---------------------------------------------------------------------------------


def add_device(
    actor: User,
    *,
    unit: Organisation,
    kind: DeviceKind,
    serial: str,
    imei: str = "",
    sim_number: str = "",
    notes: str = "",
) -> Device:
    _require_unit(actor, unit.pk)
    serial = serial.strip()
    if Device.objects.filter(kind=kind, serial__iexact=serial).exists():
        raise Invalid(
            _("Det finns redan en enhet av den typen med det serienumret."), field="serial"
        )
    device = Device(
        unit=unit,
        kind=kind,
        serial=serial,
        imei=imei.strip(),
        sim_number=sim_number.strip(),
        notes=notes,
    )
    stamp(device, actor, "ny enhet")
    device.save()
    return device


def update_device(
    actor: User,
    device: Device,
    *,
    expected_version: int | None,
    serial: str,
    imei: str,
    sim_number: str,
    notes: str,
) -> Device:
    """Change a device's identifiers and notes (optimistic locking on ``version``)."""
    _require_unit(actor, device.unit_id)
    serial = serial.strip()
    if (
        Device.objects.filter(kind=device.kind, serial__iexact=serial)
        .exclude(pk=device.pk)
        .exists()
    ):
        raise Invalid(
            _("Det finns redan en enhet av den typen med det serienumret."), field="serial"
        )
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if expected_version is None or locked.version != expected_version:
            raise Conflict(current=locked)
        locked.serial, locked.imei, locked.sim_number = serial, imei.strip(), sim_number.strip()
        locked.notes = notes
        locked.version += 1
        stamp(locked, actor, "uppgifter ändrade")
        locked.save()
    return locked


def set_status(actor: User, device: Device, status: str, *, expected_version: int | None) -> Device:
    """Send a device to service, back to the store, or retire it. A device on loan, lost or
    retired changes only through its loan (return, lost) – a retired one never again."""
    _require_unit(actor, device.unit_id)
    if status not in MANUAL_STATUSES:
        raise Invalid(_("Den statusen kan inte väljas här."), field="status")
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if expected_version is None or locked.version != expected_version:
            raise Conflict(current=locked)
        if locked.status in (Device.Status.ON_LOAN, Device.Status.RETIRED):
            raise Invalid(
                _("En enhet med status ”%(status)s” kan inte ändras här.")
                % {"status": locked.get_status_display()},
                field="status",
            )
        if locked.status == Device.Status.LOST and status != Device.Status.RETIRED:
            # A lost device that turns up again must be checked before it is lent.
            locked.needs_check = True
        if locked.status == Device.Status.SERVICE and status == Device.Status.IN_STORE:
            locked.needs_check = True
        locked.status = status
        locked.version += 1
        stamp(locked, actor, "status ändrad")
        locked.save()
    return locked


# --- queries for lists and notification rules -------------------------------------------------


def active_loans() -> QuerySet[Loan]:
    return Loan.objects.filter(ended_on__isnull=True)


def loans_review_due(*, within_days: int = 0, today: date | None = None) -> QuerySet[Loan]:
    """Active loans whose review date is passed or within ``within_days`` days."""
    today = today or timezone.localdate()
    return active_loans().filter(review_on__lte=today + timedelta(days=within_days))


def loans_review_overdue(today: date | None = None) -> QuerySet[Loan]:
    today = today or timezone.localdate()
    return active_loans().filter(review_on__lt=today)


def unreturned_loans(today: date | None = None) -> QuerySet[Loan]:
    """Active loans past their planned return date, or whose case is closed."""
    today = today or timezone.localdate()
    return active_loans().filter(Q(return_by__lt=today) | Q(case__status="closed"))


def loans_past_dates(today: date | None = None) -> QuerySet[Loan]:
    """Active loans past their review date or their planned return date (inventory filter)."""
    today = today or timezone.localdate()
    return active_loans().filter(Q(review_on__lt=today) | Q(return_by__lt=today))


def devices_with_overdue_checks(now: datetime | None = None) -> QuerySet[Device]:
    """Devices in use (not lost or retired) whose readiness checks are overdue or that were
    never checked."""
    return with_readiness(Device.objects.exclude(status__in=GONE), now).filter(Q(overdue=True))


def loans_without_assessment() -> QuerySet[Loan]:
    return active_loans().filter(without_assessment=True)


@dataclass(frozen=True)
class InventoryCounts:
    total: int
    lendable: int
    on_loan: int
    overdue_checks: int
    past_dates: int
    without_assessment: int
