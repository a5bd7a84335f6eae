"""Alarm devices, loans, decisions and activations for the statistics tests, on top of
``dataset.build`` (March 2026 against February 2026, today 2026-04-15 in Stockholm). The
expected figures are in tests/statistics/test_alarm_indicators.py.

Written with the ORM so that every date is what the test says; each device status change is
saved at its moment (time_machine) so that the change history – which the "devices by status"
figure reads – has the dates given here. Two changes sit either side of midnight on 31 March
local time (21:30 and 22:30 UTC), as does a pair of real alarms.

Unit A (the head's unit):

    loan dev case started     basis       reviews                    ended       alarms
    L1   D1  c1   2026-03-02  assessment  due 03-20, reviewed 03-18  –           real 23:30 31/3
    L2   D2  c5   2026-02-10  reason      due 03-10, reviewed 03-12  03-25 ret.  mistake 03-15
    L3   D3  c3   2026-03-31  reason      due 06-30                  –           real 00:30 1/4
    L4   D4  c4   2026-01-20  assessment  due 02-20, none            03-03 lost  test, real 02-14
    L5   D5  c5   2026-02-27  assessment  due 03-05 (returned then)  03-05 ret.  –
    L7   D6  c6   2026-02-21  reason      due 03-21 (ended before)   02-26 ret.  –

Unit B: LB1 on DB1 (b1, 2026-03-03, reason, due 03-28, not reviewed, real alarm 03-10) and four
devices in store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import count

import time_machine

from accounts.models import Organisation, User
from alarms.models import AlarmEvent, Device, DeviceKind, Loan, LoanDecision
from cases.models import ProtectionCase
from tests.statistics.dataset import STHLM, UTC, at

S = Device.Status
_serials = count(1)

SENTINEL_REASON = "SNTLALARMREASON"


@dataclass
class AlarmData:
    devices: dict[str, Device] = field(default_factory=dict)
    loans: dict[str, Loan] = field(default_factory=dict)


def device(unit: Organisation, changes: list[tuple[datetime, str]]) -> Device:
    """A device created at the first moment with the first status, then changed at each."""
    (created, status), *later = changes
    with time_machine.travel(created, tick=False):
        d = Device.objects.create(
            unit=unit,
            kind=DeviceKind.objects.get(code="larmtelefon-gps"),
            serial=f"STAT-{next(_serials):04d}",
            status=status,
        )
    for when, status in later:
        with time_machine.travel(when, tick=False):
            d.status = status
            d.save()
    return d


def loan(
    d: Device,
    c: ProtectionCase,
    started: date,
    review: date,
    *,
    assessment: bool,
    by: User,
    ended: date | None = None,
    end_kind: str = "",
) -> Loan:
    row = Loan.objects.create(
        device=d,
        case=c,
        case_reference=c.reference,
        carrier=c.participants.get(role="protected"),
        started_on=started,
        review_on=review,
        without_assessment=not assessment,
        ended_on=ended,
        end_kind=end_kind,
    )
    decide(row, LoanDecision.Kind.INITIAL, started, review, assessment=assessment, by=by)
    return row


def decide(
    row: Loan, kind: str, on: date, review: date, *, assessment: bool, by: User
) -> LoanDecision:
    return LoanDecision.objects.create(
        loan=row,
        kind=kind,
        decided_on=on,
        decided_by=by,
        assessment_summary="SARA:SV – hög risk" if assessment else "",
        without_assessment=not assessment,
        reason="" if assessment else SENTINEL_REASON,
        review_on=review,
    )


def alarm(row: Loan, when: datetime, kind: str = AlarmEvent.Kind.REAL) -> AlarmEvent:
    return AlarmEvent.objects.create(
        loan=row, occurred_at=when, kind=kind, outcome=AlarmEvent.Outcome.PHONE_CONTACT
    )


def build(cases: dict[str, ProtectionCase], unit_a, unit_b, handler: User) -> AlarmData:
    a = AlarmData()
    jan = at(2026, 1, 2)
    late_31_march = datetime(2026, 3, 31, 21, 30, tzinfo=UTC)  # 23:30 in Stockholm: March
    after_midnight = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April: April
    assert after_midnight.astimezone(STHLM).date() == date(2026, 4, 1)
    a.devices = {
        "D1": device(unit_a, [(jan, S.IN_STORE), (at(2026, 3, 2), S.ON_LOAN)]),
        "D2": device(
            unit_a, [(jan, S.IN_STORE), (at(2026, 2, 10), S.ON_LOAN), (at(2026, 3, 25), S.IN_STORE)]
        ),
        "D3": device(unit_a, [(jan, S.IN_STORE), (late_31_march, S.ON_LOAN)]),
        "D4": device(
            unit_a, [(jan, S.IN_STORE), (at(2026, 1, 20), S.ON_LOAN), (at(2026, 3, 3), S.LOST)]
        ),
        "D5": device(
            unit_a,
            [
                (jan, S.IN_STORE),
                (at(2026, 2, 27), S.ON_LOAN),
                (at(2026, 3, 5), S.IN_STORE),
                (at(2026, 3, 10), S.SERVICE),
            ],
        ),
        "D6": device(
            unit_a,
            [
                (jan, S.IN_STORE),
                (at(2026, 2, 21), S.ON_LOAN),
                (at(2026, 2, 26), S.IN_STORE),
                (after_midnight, S.RETIRED),
            ],
        ),
        # Added after March: no status at the end of either period.
        "D7": device(unit_a, [(at(2026, 4, 2), S.IN_STORE)]),
        "DB1": device(unit_b, [(jan, S.IN_STORE), (at(2026, 3, 3), S.ON_LOAN)]),
    }
    for n in range(2, 6):
        a.devices[f"DB{n}"] = device(unit_b, [(jan, S.IN_STORE)])
    d, c = a.devices, cases
    R = LoanDecision.Kind.REVIEW
    ret, lost = Loan.EndKind.RETURNED, Loan.EndKind.LOST

    l1 = loan(d["D1"], c["c1"], date(2026, 3, 2), date(2026, 3, 20), assessment=True, by=handler)
    decide(l1, R, date(2026, 3, 18), date(2026, 6, 18), assessment=True, by=handler)
    alarm(l1, late_31_march)

    l2 = loan(
        d["D2"],
        c["c5"],
        date(2026, 2, 10),
        date(2026, 3, 10),
        assessment=False,
        by=handler,
        ended=date(2026, 3, 25),
        end_kind=ret,
    )
    decide(l2, R, date(2026, 3, 12), date(2026, 5, 12), assessment=False, by=handler)
    alarm(l2, at(2026, 3, 15), AlarmEvent.Kind.MISTAKE)

    l3 = loan(d["D3"], c["c3"], date(2026, 3, 31), date(2026, 6, 30), assessment=False, by=handler)
    alarm(l3, after_midnight)

    l4 = loan(
        d["D4"],
        c["c4"],
        date(2026, 1, 20),
        date(2026, 2, 20),
        assessment=True,
        by=handler,
        ended=date(2026, 3, 3),
        end_kind=lost,
    )
    alarm(l4, at(2026, 2, 5), AlarmEvent.Kind.TEST)
    alarm(l4, at(2026, 2, 14))

    l5 = loan(
        d["D5"],
        c["c5"],
        date(2026, 2, 27),
        date(2026, 3, 5),
        assessment=True,
        by=handler,
        ended=date(2026, 3, 5),
        end_kind=ret,
    )
    l7 = loan(
        d["D6"],
        c["c6"],
        date(2026, 2, 21),
        date(2026, 3, 21),
        assessment=False,
        by=handler,
        ended=date(2026, 2, 26),
        end_kind=ret,
    )
    lb1 = loan(d["DB1"], c["b1"], date(2026, 3, 3), date(2026, 3, 28), assessment=False, by=handler)
    alarm(lb1, at(2026, 3, 10))
    a.loans = {"L1": l1, "L2": l2, "L3": l3, "L4": l4, "L5": l5, "L7": l7, "LB1": lb1}
    return a
