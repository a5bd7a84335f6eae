"""Kontaktförbud: register, change, breaches, and finding cases with a ban in the search."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import errors
from cases.access import CaseAccess
from cases.casework.policy import may_edit_police_work
from cases.casework.services.common import (
    _access,
    _bump,
    _journal,
    _require,
    ensure_open,
)
from cases.models import (
    ContactBan,
    ContactBanBreach,
    MeasureKind,
    Participant,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
)

# Words that find cases with a contact ban in the case search: the law was called
# "lagen om besöksförbud" until 2011, and people still say so.
CONTACT_BAN_TERMS = ("kontaktförbud", "besöksförbud")

MEASURE_KIND_FOR_BAN = ("kontaktforbud", "uppfoljning-kontaktforbud")


def contact_ban_max_days(ban_type: str) -> int | None:
    """Longest allowed period per ban type, from settings.CONTACT_BAN_MAX_DAYS."""
    limits: dict[str, int] = getattr(settings, "CONTACT_BAN_MAX_DAYS", {})
    return limits.get(ban_type)


def contact_ban_period_error(
    ban_type: str, valid_from: date | None, valid_until: date | None
) -> str | None:
    """A Swedish message when the period is reversed or longer than allowed, else None."""
    if not (valid_from and valid_until):
        return None
    if valid_until < valid_from:
        return _("Slutdatumet (gäller till) kan inte vara före startdatumet (gäller från).")
    limit = contact_ban_max_days(ban_type)
    if limit is not None and (valid_until - valid_from).days > limit:
        return _(
            "%(type)s får gälla högst %(days)s dagar i taget. Kontrollera datumen "
            "(ett förlängt förbud registreras med den nya perioden)."
        ) % {"type": ContactBan.BanType(ban_type).label, "days": limit}
    return None


def _check_ban_parties(
    case: ProtectionCase, protected: Participant, restricted: Participant
) -> None:
    if protected.case_id != case.pk or restricted.case_id != case.pk:
        raise errors.Invalid(_("Välj personer som ingår i ärendet."))
    if protected.pk == restricted.pk or protected.person_id == restricted.person_id:
        raise errors.Invalid(
            _("Den som förbudet gäller kan inte vara den skyddade personen."),
            field="restricted_participant",
        )


def _measure_status(ban: ContactBan, today: date) -> str:
    """The status of the ban's measures: active while granted (or extended) and not past
    its end date, planned while requested or under review, declined when refused."""
    Status = ProtectiveMeasure.Status
    if ban.status in ContactBan.IN_FORCE_STATUSES:
        return Status.ENDED if ban.valid_until and ban.valid_until < today else Status.ACTIVE
    if ban.status in (ContactBan.Status.REQUESTED, ContactBan.Status.COURT_REVIEW):
        return Status.PLANNED
    if ban.status == ContactBan.Status.REFUSED:
        return Status.DECLINED
    return Status.ENDED


def sync_ban_measures(case_access: CaseAccess, ban: ContactBan) -> list[ProtectiveMeasure]:
    """Keep the measures "Kontaktförbud" and "Uppföljning av kontaktförbud" in step with the
    ban (issue 11): created when the ban is recorded – adopting a measure of that kind that
    was planned by hand – and given the ban's status and period when it changes."""
    today = timezone.localdate()
    status = _measure_status(ban, today)
    kinds = {k.code: k for k in MeasureKind.objects.filter(code__in=MEASURE_KIND_FOR_BAN)}
    synced = []
    for code in MEASURE_KIND_FOR_BAN:
        kind = kinds.get(code)
        if kind is None:
            continue  # an administrator removed the kind from the catalogue
        measure = (
            ProtectiveMeasure.objects.filter(case=ban.case, kind=kind, contact_ban=ban).first()
            or ProtectiveMeasure.objects.current()
            .filter(case=ban.case, kind=kind, contact_ban__isnull=True)
            .order_by("pk")
            .first()
        )
        values = {
            "status": status,
            "start_date": ban.valid_from,
            "end_date": ban.valid_until if status != ProtectiveMeasure.Status.PLANNED else None,
        }
        if measure is None:
            measure = ProtectiveMeasure.objects.create(
                case=ban.case,
                kind=kind,
                responsible_party=Party.POLICE,
                contact_ban=ban,
                created_by=case_access.user,
                **values,
            )
            _journal(
                case_access,
                "measure_added",
                kind=kind.name,
                party=measure.responsible_party,
                status=measure.status,
            )
        elif measure.contact_ban_id != ban.pk or any(
            getattr(measure, name) != value for name, value in values.items()
        ):
            changed_status = measure.status != status
            for name, value in values.items():
                setattr(measure, name, value)
            measure.contact_ban = ban
            measure.version += 1
            measure.save()
            if changed_status:
                _journal(case_access, "measure_status", kind=kind.name, status=status)
        synced.append(measure)
    return synced


def add_contact_ban(
    actor: User,
    case: ProtectionCase,
    *,
    ban_type: str,
    protected_participant: Participant,
    restricted_participant: Participant,
    status: str = ContactBan.Status.REQUESTED,
    electronic_monitoring: bool = False,
    decision_date: date | None = None,
    deciding_body: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> ContactBan:
    case_access = _access(actor, case)
    _require(may_edit_police_work(case_access))
    _check_ban_parties(case, protected_participant, restricted_participant)
    if period_error := contact_ban_period_error(ban_type, valid_from, valid_until):
        raise errors.Invalid(period_error, field="valid_until")
    with transaction.atomic():
        ensure_open(case, lock=True)
        ban = ContactBan.objects.create(
            case=case,
            ban_type=ban_type,
            electronic_monitoring=electronic_monitoring,
            status=status,
            decision_date=decision_date,
            deciding_body=deciding_body,
            valid_from=valid_from,
            valid_until=valid_until,
            protected_participant=protected_participant,
            restricted_participant=restricted_participant,
            note=note,
            created_by=actor,
        )
        _journal(case_access, "ban_added", type=ban.ban_type, status=ban.status)
        sync_ban_measures(case_access, ban)
        mark_contact_ban(case)
    return ban


def update_contact_ban(
    actor: User,
    ban: ContactBan,
    *,
    expected_version: int | None,
    ban_type: str,
    protected_participant: Participant,
    restricted_participant: Participant,
    status: str,
    electronic_monitoring: bool,
    decision_date: date | None,
    deciding_body: str,
    valid_from: date | None,
    valid_until: date | None,
    note: str,
) -> ContactBan:
    case_access = _access(actor, ban.case)
    _require(may_edit_police_work(case_access))
    _check_ban_parties(ban.case, protected_participant, restricted_participant)
    if period_error := contact_ban_period_error(ban_type, valid_from, valid_until):
        raise errors.Invalid(period_error, field="valid_until")
    with transaction.atomic():
        ensure_open(ban.case, lock=True)
        _bump(
            ContactBan,
            ban.pk,
            expected_version,
            ban_type=ban_type,
            electronic_monitoring=electronic_monitoring,
            status=status,
            decision_date=decision_date,
            deciding_body=deciding_body,
            valid_from=valid_from,
            valid_until=valid_until,
            protected_participant=protected_participant,
            restricted_participant=restricted_participant,
            note=note,
            updated_at=timezone.now(),
        )
        ban.refresh_from_db()
        _journal(case_access, "ban_changed", type=ban.ban_type, status=ban.status)
        sync_ban_measures(case_access, ban)
    return ban


def add_breach(
    actor: User,
    ban: ContactBan,
    *,
    occurred_on: date,
    description: str,
    reported_on: date | None = None,
) -> ContactBanBreach:
    """A reported breach of a kontaktförbud."""
    case_access = _access(actor, ban.case)
    _require(may_edit_police_work(case_access))
    with transaction.atomic():
        ensure_open(ban.case, lock=True)
        breach = ContactBanBreach.objects.create(
            ban=ban,
            occurred_on=occurred_on,
            reported_on=reported_on,
            description=description,
            created_by=actor,
        )
        _journal(case_access, "breach_added", date=occurred_on.isoformat())
    return breach


def _has_contact_ban() -> Q:
    """What ``ProtectionCase.has_contact_ban`` stands for, on the case ``OuterRef("pk")``: a
    kontaktförbud row, or a measure of a kontaktförbud kind – in any status (a refused or
    revoked ban, an ended measure still count: the filter has always found them)."""
    bans = ContactBan.objects.filter(case=OuterRef("pk"))
    measures = ProtectiveMeasure.objects.filter(
        case=OuterRef("pk"), kind__code__in=MEASURE_KIND_FOR_BAN
    )
    return Q(Exists(bans)) | Q(Exists(measures))


def refresh_contact_ban_flags(cases: QuerySet[ProtectionCase]) -> int:
    """Set ``has_contact_ban`` of ``cases`` from their rows; returns how many changed. Called
    in the writing transaction by every service that adds a ban, or adds a measure of (or
    changes a measure's kind to or from) a kontaktförbud kind – under the case's row lock,
    so that the flag cannot disagree with its rows – and by the measure catalogue's admin
    when a kind's code changes. Two UPDATEs that touch only the rows that differ."""
    truth = _has_contact_ban()
    on = cases.filter(truth, has_contact_ban=False).update(has_contact_ban=True)
    off = cases.filter(~truth, has_contact_ban=True).update(has_contact_ban=False)
    return on + off


def mark_contact_ban(case: ProtectionCase) -> None:
    """The case now has a ban or a kontaktförbud measure (adding one can only set the flag):
    one UPDATE, whatever the (possibly stale) object says."""
    ProtectionCase.objects.filter(pk=case.pk, has_contact_ban=False).update(has_contact_ban=True)
    case.has_contact_ban = True


def with_contact_ban(qs: QuerySet[ProtectionCase]) -> QuerySet[ProtectionCase]:
    """The cases of ``qs`` that have a kontaktförbud (or a kontaktförbud measure): the
    denormalised flag, served by the partial index ``case_list_contact_ban``. The two
    ``pk IN (…)`` subqueries it replaced scanned hundreds of thousands of measures."""
    return qs.filter(has_contact_ban=True)


def case_ids_with_contact_ban(qs: QuerySet[ProtectionCase]) -> QuerySet[ProtectionCase, Any]:
    """``with_contact_ban`` as a ``values("pk")`` queryset for ``filter(pk__in=...)``. Used by
    the case search so that "kontaktförbud" and "besöksförbud" both find them; see
    ``is_contact_ban_term``."""
    return with_contact_ban(qs).values("pk")


def is_contact_ban_term(term: str) -> bool:
    """Does a search term ask for contact bans? "besöksförbud", "Kontaktförbud" and a
    shortened "kontaktförb" all do."""
    needle = term.strip().lower()
    return len(needle) >= 6 and any(needle in word or word in needle for word in CONTACT_BAN_TERMS)
