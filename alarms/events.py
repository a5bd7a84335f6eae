"""Alarm activations: when, which loan, kind and outcome. A real alarm plans a follow-up
"Efter larm" within two days (through the case-work services) and flags the case for a new
risk assessment until one is finalised after it (alarms.hooks)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from alarms.loans import _ensure_open, _journal, _loan_case, _police_assignee
from alarms.models import AlarmEvent, Loan
from alarms.services import stamp
from cases.casework import services as casework
from cases.errors import Invalid
from cases.models import FollowUp

AFTER_ALARM_DAYS = 2


def record_event(
    actor: User,
    loan: Loan,
    *,
    occurred_at: datetime,
    kind: str,
    outcome: str,
    note: str = "",
) -> AlarmEvent:
    """An alarm from the device. A real alarm plans a follow-up "Efter larm" within two days
    and flags the case for a new risk assessment (until one is finalised after it)."""
    case_access = _loan_case(actor, loan)
    local = timezone.localtime(occurred_at).date()
    if (
        occurred_at > timezone.now()
        or local < loan.started_on
        or (loan.ended_on and local > loan.ended_on)
    ):
        raise Invalid(
            _("Tidpunkten ska ligga inom lånet och inte i framtiden."), field="occurred_at"
        )
    with transaction.atomic():
        _ensure_open(case_access.case)
        Loan.objects.select_for_update(of=("self",)).get(pk=loan.pk)
        event = AlarmEvent(
            loan=loan,
            occurred_at=occurred_at,
            kind=kind,
            outcome=outcome,
            note=note,
            recorded_by=actor,
        )
        if kind == AlarmEvent.Kind.REAL:
            due = max(timezone.localdate(), local + timedelta(days=AFTER_ALARM_DAYS))
            due = min(due, timezone.localdate() + timedelta(days=AFTER_ALARM_DAYS))
            event.follow_up = casework.add_follow_up(
                actor,
                case_access.case,
                kind=FollowUp.Kind.AFTER_ALARM,
                due_date=due,
                assignee=_police_assignee(case_access.case, actor),
            )
        stamp(event, actor, "larmhändelse")
        event.save()
        _journal(case_access, "alarm_event", kind=event.kind, outcome=event.outcome)
    return event
