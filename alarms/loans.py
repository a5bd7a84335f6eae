"""Loans of alarm devices, decided and followed up from the case page.

Every change takes the acting user, resolves the user's access to the case again through
cases.access (police with edit rights only: the responsible handler or the head; a
break-the-glass reader reads), locks the case and then the device (always in that order),
refuses a closed case, writes, and journals police-internally. The protective measure
"Skyddslarm/larmtelefon" and the follow-ups ("Översyn av lån", "Efter larm") are written
through the public case-work services, never directly.

One active loan per device is enforced twice: the device row is locked while the loan is
written, and the partial unique constraint ``one_active_loan_per_device`` refuses a second
active loan whatever wrote it. The loser of two simultaneous attempts gets ``Conflict``.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Q, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from alarms import basis
from alarms.models import Device, Loan, LoanDecision
from alarms.services import not_ready_reasons, stamp, with_readiness
from cases import access, journal
from cases.access import CaseAccess
from cases.casework import services as casework
from cases.errors import CaseClosed, Conflict, Invalid, NotAllowed
from cases.models import FollowUp, MeasureKind, Participant, ProtectionCase, ProtectiveMeasure

MEASURE_CODE = "skyddslarm"
CARRIER_ROLES = (Participant.Role.PROTECTED, Participant.Role.RELATIVE, Participant.Role.CHILD)
AFTER_ALARM_DAYS = 2

TAKEN = (
    "Enheten har just lånats ut av någon annan och kan inte lånas ut en gång till. "
    "Välj en annan enhet."
)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_on(started_on: date) -> date:
    return add_months(started_on, settings.ALARM_LOAN_REVIEW_MONTHS)


# --- access ----------------------------------------------------------------------------------


def shows_loans(case_access: CaseAccess) -> bool:
    """Loans and devices are police-internal: social services see the measure only."""
    return case_access.is_police


def may_lend(case_access: CaseAccess) -> bool:
    return case_access.is_police and case_access.may_edit and case_access.case.is_open


def _edit_access(actor: User, case: ProtectionCase) -> CaseAccess:
    try:
        case_access = access.get_case_for_user(actor, case.key, need="edit", log=False)
    except (Http404, access.BreakGlassRequired) as exc:
        raise NotAllowed() from exc
    if not case_access.is_police:
        raise NotAllowed()
    return case_access


def _ensure_open(case: ProtectionCase) -> None:
    try:
        casework.ensure_open(case, lock=True)
    except casework.CaseClosedError as exc:
        raise CaseClosed(case) from exc


def get_loan(case_access: CaseAccess, key: UUID | str) -> Loan:
    """A loan of this case for a police reader, else NotAllowed (answered 404)."""
    if not shows_loans(case_access):
        raise NotAllowed()
    try:
        return (
            Loan.objects.select_related("device__kind", "carrier__person")
            .filter(case=case_access.case)
            .get(key=key)
        )
    except (Loan.DoesNotExist, ValueError) as exc:
        raise NotAllowed() from exc


def carriers(case: ProtectionCase) -> list[Participant]:
    return list(
        Participant.objects.filter(case=case, role__in=CARRIER_ROLES)
        .select_related("person")
        .order_by("role", "pk")
    )


def lendable_devices(
    case: ProtectionCase, *, explained: int
) -> tuple[list[Device], list[Device], int]:
    """The case unit's devices that can be lent now; the first ``explained`` of those that
    cannot, each with ``reasons`` (why not); and how many cannot. By kind and serial. A big
    unit has a thousand devices out on loan or due a check: reading them all, and the
    sentences for all of them, was most of the lending form's time (issue 16). Of those
    that cannot be lent, the ones in store come first."""
    devices = (
        with_readiness(Device.objects.filter(unit_id=case.unit_id).exclude(status="retired"))
        .select_related("kind")
        .order_by("kind__order", "serial")
    )
    # ``lendable`` is exactly "no reason" (services.with_readiness, not_ready_reasons).
    unready = devices.filter(Q(lendable=False))
    # Those in store first: a check makes them lendable (the others are out on loan, at
    # service or lost, and say so).
    in_store_first = Case(When(status=Device.Status.IN_STORE, then=0), default=1)
    shown = list(unready.order_by(in_store_first, "kind__order", "serial")[:explained])
    for device in shown:
        device.reasons = not_ready_reasons(device)  # type: ignore[attr-defined]
    return list(devices.filter(Q(lendable=True))), shown, unready.count()


# --- measure and follow-ups (through the case-work services) ---------------------------------


def _start_measure(actor: User, case: ProtectionCase, started_on: date) -> None:
    kind = MeasureKind.objects.filter(code=MEASURE_CODE).first()
    if kind is None:
        return
    current = list(
        ProtectiveMeasure.objects.filter(
            case=case,
            kind=kind,
            status__in=(ProtectiveMeasure.Status.PLANNED, ProtectiveMeasure.Status.ACTIVE),
        ).order_by("pk")
    )
    if any(m.status == ProtectiveMeasure.Status.ACTIVE for m in current):
        return
    if current:
        planned = current[0]
        casework.update_measure(
            actor,
            planned,
            expected_version=planned.version,
            kind=kind,
            responsible_party=planned.responsible_party,
            status=ProtectiveMeasure.Status.ACTIVE,
            start_date=planned.start_date or started_on,
            end_date=planned.end_date,
            note=planned.note,
        )
    else:
        casework.add_measure(
            actor, case, kind=kind, status=ProtectiveMeasure.Status.ACTIVE, start_date=started_on
        )


def _end_measure_if_last(actor: User, loan: Loan, on: date) -> None:
    """The case has no device on loan any more: the measure is no longer in force."""
    if Loan.objects.filter(case_id=loan.case_id, ended_on__isnull=True).exists():
        return
    for measure in ProtectiveMeasure.objects.filter(
        case_id=loan.case_id, kind__code=MEASURE_CODE, status=ProtectiveMeasure.Status.ACTIVE
    ):
        casework.set_measure_status(
            actor,
            measure,
            ProtectiveMeasure.Status.ENDED,
            expected_version=measure.version,
            on=max(on, measure.start_date) if measure.start_date else on,
        )


def _police_assignee(case: ProtectionCase, actor: User) -> User | None:
    choices = casework.assignee_choices(case)["police"]
    return actor if actor.pk in {u.pk for u in choices} else None


def _plan_review(actor: User, case: ProtectionCase, review_on: date) -> FollowUp:
    # The note stays empty: follow-ups are shared with social services, device details not.
    return casework.add_follow_up(
        actor,
        case,
        kind=FollowUp.Kind.LOAN_REVIEW,
        due_date=review_on,
        assignee=_police_assignee(case, actor),
    )


def _finish_review(
    actor: User, loan: Loan, outcome: str, next_review: date | None = None
) -> FollowUp | None:
    """Mark the loan's open review follow-up done; plan the next one when given."""
    follow_up = (
        FollowUp.objects.filter(pk=loan.review_follow_up_id, done_on__isnull=True).first()
        if loan.review_follow_up_id
        else None
    )
    if follow_up is None:
        return _plan_review(actor, loan.case, next_review) if next_review and loan.case else None
    return casework.complete_follow_up(
        actor,
        follow_up,
        expected_version=follow_up.version,
        done_on=timezone.localdate(),
        outcome=outcome,
        next_due_date=next_review,
        next_kind=FollowUp.Kind.LOAN_REVIEW,
    )


# --- lending, review, return, lost ----------------------------------------------------------


def lend(
    actor: User,
    case: ProtectionCase,
    *,
    device: Device,
    carrier: Participant,
    started_on: date,
    review_on: date | None = None,
    return_by: date | None = None,
    assessment_id: int | None = None,
    reason: str = "",
    decision_maker: User | None = None,
    acknowledged_on: date | None = None,
) -> Loan:
    """Lend ``device`` to a participant of the case on a documented basis."""
    case_access = _edit_access(actor, case)
    if carrier.case_id != case.pk or carrier.role not in CARRIER_ROLES:
        raise Invalid(
            _("Bäraren ska vara skyddspersonen eller en närstående i ärendet."), field="carrier"
        )
    if device.unit_id != case.unit_id:
        raise Invalid(_("Enheten tillhör en annan polisenhet."), field="device")
    today = timezone.localdate()
    if started_on > today:
        raise Invalid(_("Utlåningen kan inte registreras i förväg."), field="started_on")
    if acknowledged_on is not None and not (started_on <= acknowledged_on <= today):
        raise Invalid(
            _("Kvittensen ska vara från utlåningsdagen eller senare, inte i framtiden."),
            field="acknowledged_on",
        )
    review_on = review_on or default_review_on(started_on)
    basis.check_review(started_on, review_on, return_by)
    chosen = basis.build(case_access, assessment_id, reason, started_on)
    maker = basis.check_decision_maker(case, decision_maker or actor)
    with transaction.atomic():
        _ensure_open(case)
        locked = with_readiness(Device.objects.select_for_update(of=("self",))).get(pk=device.pk)
        if Loan.objects.filter(device=locked, ended_on__isnull=True).exists():
            raise Conflict(_(TAKEN))
        reasons = not_ready_reasons(locked)
        if reasons:
            raise Invalid(" ".join(reasons), field="device")
        loan = Loan(
            device=locked,
            case=case,
            case_reference=case.reference,
            carrier=carrier,
            started_on=started_on,
            review_on=review_on,
            return_by=return_by,
            without_assessment=chosen.without_assessment,
            acknowledged_on=acknowledged_on,
            acknowledged_recorded_by=actor if acknowledged_on else None,
            created_by=actor,
        )
        stamp(loan, actor, "utlånad")
        try:
            with transaction.atomic():
                loan.save()
        except IntegrityError as exc:  # the constraint, should the lock ever be bypassed
            raise Conflict(_(TAKEN)) from exc
        LoanDecision.objects.create(
            loan=loan,
            kind=LoanDecision.Kind.INITIAL,
            decided_on=started_on,
            decided_by=maker,
            assessment=chosen.assessment,
            assessment_summary=chosen.summary,
            without_assessment=chosen.without_assessment,
            reason=chosen.reason,
            review_on=review_on,
            recorded_by=actor,
        )
        locked.status = Device.Status.ON_LOAN
        locked.version += 1
        stamp(locked, actor, "utlånad")
        locked.save()
        _start_measure(actor, case, started_on)
        loan.review_follow_up = _plan_review(actor, case, review_on)
        loan.save(update_fields=["review_follow_up"])
        _journal(
            case_access,
            "alarm_lent",
            kind=locked.kind.name,
            role=carrier.role,
            date=review_on.isoformat(),
            basis=chosen.without_assessment,
        )
    return loan


def _locked_loan(loan: Loan, expected_version: int | None) -> Loan:
    locked = (
        Loan.objects.select_for_update(of=("self",)).select_related("device__kind").get(pk=loan.pk)
    )
    if expected_version is None or locked.version != expected_version:
        raise Conflict()
    if locked.ended_on is not None:
        raise Invalid(_("Lånet är redan avslutat."))
    return locked


def _loan_case(actor: User, loan: Loan) -> CaseAccess:
    if loan.case is None:
        raise NotAllowed()
    return _edit_access(actor, loan.case)


def review(
    actor: User,
    loan: Loan,
    *,
    expected_version: int | None,
    review_on: date,
    return_by: date | None = None,
    assessment_id: int | None = None,
    reason: str = "",
    decision_maker: User | None = None,
) -> LoanDecision:
    """Review the loan: a new decision with its own basis and next review date."""
    case_access = _loan_case(actor, loan)
    today = timezone.localdate()
    basis.check_review(loan.started_on, review_on, return_by)
    chosen = basis.build(case_access, assessment_id, reason, today)
    maker = basis.check_decision_maker(case_access.case, decision_maker or actor)
    with transaction.atomic():
        _ensure_open(case_access.case)
        locked = _locked_loan(loan, expected_version)
        decision = LoanDecision.objects.create(
            loan=locked,
            kind=LoanDecision.Kind.REVIEW,
            decided_on=today,
            decided_by=maker,
            assessment=chosen.assessment,
            assessment_summary=chosen.summary,
            without_assessment=chosen.without_assessment,
            reason=chosen.reason,
            review_on=review_on,
            recorded_by=actor,
        )
        locked.review_on = review_on
        locked.return_by = return_by
        locked.without_assessment = chosen.without_assessment
        locked.review_follow_up = _finish_review(
            actor,
            locked,
            _("Översyn gjord: fortsatt lån, nästa översyn senast %(date)s.")
            % {"date": review_on.isoformat()},
            next_review=review_on,
        )
        locked.version += 1
        stamp(locked, actor, "översyn")
        locked.save()
        _journal(
            case_access,
            "alarm_reviewed",
            date=review_on.isoformat(),
            basis=chosen.without_assessment,
        )
    loan.refresh_from_db()
    return decision


def end_loan(
    actor: User,
    loan: Loan,
    *,
    expected_version: int | None,
    lost: bool = False,
    on: date | None = None,
    returned_charger: bool = False,
    condition: str = "",
    note: str = "",
) -> Loan:
    """Return the device (it then needs a readiness check) or report it lost."""
    case_access = _loan_case(actor, loan)
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < loan.started_on:
        raise Invalid(_("Datumet ska ligga mellan utlåningen och i dag."), field="on")
    if not lost and not condition:
        raise Invalid(_("Ange enhetens skick."), field="condition")
    with transaction.atomic():
        _ensure_open(case_access.case)
        locked = _locked_loan(loan, expected_version)
        device = Device.objects.select_for_update().get(pk=locked.device_id)
        locked.ended_on = on
        locked.end_kind = Loan.EndKind.LOST if lost else Loan.EndKind.RETURNED
        locked.returned_device = not lost
        locked.returned_charger = returned_charger
        locked.condition = "" if lost else condition
        locked.end_note = note
        locked.ended_by = actor
        locked.version += 1
        stamp(locked, actor, "förlorad" if lost else "återlämnad")
        locked.save()
        device.status = Device.Status.LOST if lost else Device.Status.IN_STORE
        device.needs_check = True
        device.version += 1
        stamp(device, actor, "förlorad" if lost else "återlämnad")
        device.save()
        _finish_review(
            actor,
            locked,
            _("Enheten har rapporterats förlorad.") if lost else _("Larmet är återlämnat."),
        )
        _end_measure_if_last(actor, locked, on)
        _journal(case_access, "alarm_lost" if lost else "alarm_returned", kind=device.kind.name)
    loan.refresh_from_db()
    return loan


def acknowledge(actor: User, loan: Loan, *, on: date, expected_version: int | None) -> Loan:
    """The carrier has received the instructions (recorded by the actor)."""
    case_access = _loan_case(actor, loan)
    if on > timezone.localdate() or on < loan.started_on:
        raise Invalid(_("Datumet ska ligga mellan utlåningen och i dag."), field="on")
    with transaction.atomic():
        _ensure_open(case_access.case)
        locked = _locked_loan(loan, expected_version)
        locked.acknowledged_on = on
        locked.acknowledged_recorded_by = actor
        locked.version += 1
        stamp(locked, actor, "kvittens")
        locked.save()
        _journal(case_access, "alarm_acknowledged")
    loan.refresh_from_db()
    return loan


def _journal(case_access: CaseAccess, code: str, **params: Any) -> None:
    """A police-internal journal event (alarms/journal.py), rendered when read."""
    journal.record(
        case_access.case, case_access.user, code, organisation=case_access.organisation, **params
    )
