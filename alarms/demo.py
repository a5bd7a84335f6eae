"""Fictional alarm equipment per demo police unit (run by ``manage.py seed_demo`` after the
cases, case work and assessments). Serials, IMEI and SIM numbers are invented.

Each unit gets twelve devices in every state (ready, unchecked after a return, failed check,
overdue check, on loan, on service, lost, retired) and three loans on its open cases made
through the services: one on a risk assessment, one without a structured assessment, one
past its review date, with one real alarm; and two ended loans of different lengths (one
reviewed on its review date and returned, one lost), so that every alarm figure of the
statistics is non-trivial. A unit that already has devices is left alone. Two states cannot
be reached through the services on the day of seeding (a review date in the past, a check
older than its interval): those two rows are dated back directly.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from alarms import basis, events, loans, services
from alarms.models import Device, DeviceKind, Loan, LoanDecision
from cases import access
from cases.models import Participant, ProtectionCase
from cases.services import responsible_handlers

DEMO = "(demo)"
# (kind code, what happens to it)
PLAN = [
    ("larmtelefon-gps", "ready"),
    ("larmtelefon-gps", "ready"),
    ("larmtelefon-gps", "loan_assessment"),
    ("larmtelefon-gps", "loan_without"),
    ("larmtelefon-gps", "loan_past_review"),
    ("larmtelefon-gps", "overdue"),
    ("larmtelefon-gps", "returned"),
    ("inspelningsenhet", "ready"),
    ("inspelningsenhet", "failed"),
    ("inspelningsenhet", "service"),
    ("akustiskt-larm", "lost"),
    ("akustiskt-larm", "retired"),
]


def _staff(unit: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(
            organisation=unit,
            role__in=(Membership.Role.HANDLER, Membership.Role.HEAD),
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.user if membership else None


def _cases(unit: Organisation) -> list[tuple[ProtectionCase, User]]:
    """Open cases of the unit with a responsible handler who may edit them."""
    result = []
    for case in ProtectionCase.objects.filter(unit=unit, status="open").order_by("pk"):
        for user in responsible_handlers(case):
            try:
                case_access = access.get_case_for_user(user, case.key, need="edit", log=False)
            except (Http404, access.BreakGlassRequired):  # a case that does not fit is skipped
                continue
            if case_access.may_edit and case.participants.filter(role="protected").exists():
                result.append((case, user))
                break
    return result


def _pass(actor: User, device: Device) -> None:
    services.record_check(actor, device, passed={d.pk for d in services.active_checks(device.kind)})


def _seed_unit(unit: Organisation, index: int) -> bool:
    actor = _staff(unit)
    kinds = {k.code: k for k in DeviceKind.objects.all()}
    if actor is None or not all(code in kinds for code, _ in PLAN):
        return False
    cases = _cases(unit)
    assessed = [
        (case, user)
        for case, user in cases
        if basis.basis_choices(access.get_case_for_user(user, case.key, log=False))
    ]
    today = timezone.localdate()
    created = False
    for number, (code, state) in enumerate(PLAN, start=1):
        serial = f"DEMO-{index}{number:03d}"
        phone = code == "larmtelefon-gps"
        device = services.add_device(
            actor,
            unit=unit,
            kind=kinds[code],
            serial=serial,
            imei=f"35{index}9{number:010d}"[:15] if phone else "",
            sim_number=f"4670{index}{number:06d}" if phone else "",
            notes=f"{DEMO} Fiktiv enhet.",
        )
        created = True
        _pass(actor, device)
        if state == "failed":
            services.record_check(
                actor, device, passed=set(), note=f"{DEMO} Batteriet laddar inte."
            )
        elif state == "overdue":
            Device.objects.filter(pk=device.pk).update(
                last_checked_at=timezone.now() - timedelta(days=45)
            )
        elif state in ("service", "retired"):
            device.refresh_from_db()
            services.set_status(actor, device, state, expected_version=device.version)
        elif state in ("returned", "lost") and cases:
            case, handler = cases[-1]
            returned = state == "returned"
            # The returned loan was due for review today and was reviewed (on time) before it
            # came back; the lost one ends before its review date. Different lengths.
            loan = _lend(
                handler,
                case,
                device,
                started_days=120 if returned else 75,
                with_assessment=False,
                review_on=today if returned else None,
            )
            if loan and returned:
                loans.review(
                    handler,
                    loan,
                    expected_version=loan.version,
                    review_on=today + timedelta(days=30),
                    reason=f"{DEMO} Hotet kvarstår enligt kontakt med skyddspersonen.",
                )
                loan.refresh_from_db()
            if loan:
                loans.end_loan(
                    handler,
                    loan,
                    expected_version=loan.version,
                    lost=state == "lost",
                    returned_charger=True,
                    condition="" if state == "lost" else "worn",
                    note=f"{DEMO} Tappad på bussen." if state == "lost" else "",
                )
        elif state.startswith("loan_") and cases:
            pool = assessed if state == "loan_assessment" and assessed else cases
            case, handler = pool[(number - 3) % len(pool)]
            loan = _lend(
                handler,
                case,
                device,
                started_days=100 if state == "loan_past_review" else 20,
                with_assessment=state == "loan_assessment",
            )
            if loan and state == "loan_past_review":
                # The decision's review date too, so that the statistics count a late review.
                past = today - timedelta(days=9)
                Loan.objects.filter(pk=loan.pk).update(review_on=past)
                LoanDecision.objects.filter(loan=loan).update(review_on=past)
            if loan and state == "loan_assessment":
                events.record_event(
                    handler,
                    loan,
                    occurred_at=timezone.now() - timedelta(days=3),
                    kind="real",
                    outcome="police_on_site",
                    note=f"{DEMO} Larm vid hemmet; patrull på plats efter nio minuter.",
                )
    return created


def _lend(
    handler: User,
    case: ProtectionCase,
    device: Device,
    *,
    started_days: int,
    with_assessment: bool,
    review_on: date | None = None,
) -> Loan | None:
    case_access = access.get_case_for_user(handler, case.key, log=False)
    today = timezone.localdate()
    started = today - timedelta(days=started_days)
    choices = basis.basis_choices(case_access) if with_assessment else []
    carrier = Participant.objects.filter(case=case, role="protected").first()
    if carrier is None:
        return None
    return loans.lend(
        handler,
        case,
        device=device,
        carrier=carrier,
        started_on=started,
        review_on=review_on or max(loans.default_review_on(started), today + timedelta(days=1)),
        assessment_id=choices[0].assessment_id if choices else None,
        reason=""
        if choices
        else f"{DEMO} Akut hot efter utskrivning av hotutövaren; bedömning görs inom en vecka.",
        acknowledged_on=started,
    )


@transaction.atomic
def seed() -> bool:
    """Returns True when anything was added."""
    created = False
    units = Organisation.objects.filter(kind=Organisation.Kind.POLICE_UNIT, is_active=True)
    for index, unit in enumerate(units.order_by("pk"), start=1):
        if Device.objects.filter(unit=unit).exists():
            continue
        created |= _seed_unit(unit, index)
    return created
