"""Alarm equipment for the national data set (generator v3), written by COPY after the
risk assessments (bench/national_risk.py), whose final police assessments are the basis
of most loans.

~6,000 devices nationally in proportion to the units' sizes (larmtelefon med GPS two in
three, inspelningsenhet, akustiskt larm), each with its readiness checks (a result per
check definition of its kind, as alarms.services records them) and its change history
(simple-history rows: added, lent, returned). Loans: an active one on ~5 % of the open
cases (a quarter of them with a second device, e.g. an akustiskt larm), returned (now and
then lost) loans on ~3 % of the open and ~8 % of the closed cases, about three months
long. Every loan has its initial decision – the latest final police assessment of at
most 180 days when there is one, else a written reason ("utan strukturerad bedömning") –
the review follow-up ("Översyn av lån"), journal events, and a review decision when it
has run past its first review date; ~10 % of the phones' loans had a real alarm. A device
is on one loan at a time (no overlapping loans either); the carrier is the case's
protected person. Serials, IMEI and SIM numbers are invented.
"""

from __future__ import annotations

import heapq
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from alarms.loans import add_months
from alarms.models import (
    AlarmEvent,
    CheckDefinition,
    CheckResult,
    Device,
    DeviceKind,
    Loan,
    LoanDecision,
    ReadinessCheck,
)
from bench.national_copy import Tables
from cases.journal import render_event
from cases.models import FollowUp, JournalEntry

if TYPE_CHECKING:
    from bench.national_rows import _Case, _Generator

NATIONAL_DEVICES = 6000
KINDS = [("larmtelefon-gps", 65), ("akustiskt-larm", 20), ("inspelningsenhet", 15)]
EXTRA_DEVICE = [("akustiskt-larm", 0.18), ("inspelningsenhet", 0.07)]  # beside the phone
REASON = "Akut hotbild, strukturerad bedömning ännu inte gjord (fiktivt skäl)."
NEVER = date.max


@dataclass
class _Device:
    pk: int
    unit: int
    kind: str
    added: date
    free_from: date
    key: uuid.UUID
    status: str = "in_store"
    checks: list[tuple[date, bool]] = field(default_factory=list)
    history: list[tuple[date, str, str, int]] = field(default_factory=list)  # day, why, status
    last_return: date | None = None


@dataclass
class _Plan:
    case: _Case
    kind: str
    start: date
    end: date | None
    lost: bool = False


class _Alarms:
    def __init__(self, g: _Generator) -> None:
        self.g, self.rng, self.t = g, g.extra, Tables()
        self.kinds = {k.code: k for k in DeviceKind.objects.all()}
        self.checks: dict[int, list[tuple[int, str]]] = {}
        for d in CheckDefinition.objects.filter(active=True).order_by("kind_id", "order", "pk"):
            self.checks.setdefault(d.kind_id, []).append((d.pk, d.label))
        self.review_months = settings.ALARM_LOAN_REVIEW_MONTHS
        self.max_age = settings.ALARM_ASSESSMENT_MAX_AGE_DAYS
        self.counts = {"device": 0, "loan": 0, "active_loan": 0, "skipped_loan": 0}
        self.counts |= {"readiness_check": 0, "alarm_event": 0}
        with connection.cursor() as cursor:  # the case work's follow-ups took the serial ids
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_followup")
            g.seq["followup"] = cursor.fetchone()[0]

    def devices(self) -> dict[tuple[int, str], list[tuple[date, int, _Device]]]:
        """Per unit and kind, a heap of the devices by the day they are free."""
        g, rng = self.g, self.rng
        pools: dict[tuple[int, str], list[tuple[date, int, _Device]]] = {}
        total = sum(g.unit_sizes)
        for u, size in enumerate(g.unit_sizes):
            n = max(6, round(NATIONAL_DEVICES * g.scale * size / total))
            for _i in range(n):
                kind = rng.choices([k for k, _w in KINDS], weights=[w for _k, w in KINDS])[0]
                old = rng.random() < 0.8
                added = g.today - timedelta(
                    days=rng.randint(2200, 2400) if old else rng.randint(0, 365)
                )
                key = uuid.UUID(int=rng.getrandbits(128), version=4)
                device = _Device(g.next_id("device"), u, kind, added, added, key)
                device.checks.append((added, True))
                device.history.append((added, "tillagd", "in_store", g.handlers[u][0].pk))
                heapq.heappush(pools.setdefault((u, kind), []), (added, device.pk, device))
        return pools

    def plans(self, cases: list[_Case], forced: int | None) -> list[_Plan]:
        g, rng, result = self.g, self.rng, []
        for c in cases:
            if c.closed is not None:
                if rng.random() < 0.08:
                    start = c.opened + timedelta(
                        days=rng.randint(0, max(0, (c.closed - c.opened).days))
                    )
                    end = min(c.closed, start + timedelta(days=rng.randint(20, 200)))
                    result += self._package(c, start, end)
                continue
            if rng.random() < 0.03 and (g.today - c.opened).days > 40:
                start = c.opened + timedelta(days=rng.randint(0, (g.today - c.opened).days - 40))
                end = min(g.today - timedelta(days=1), start + timedelta(days=rng.randint(20, 200)))
                result += self._package(c, start, end)
            if rng.random() < 0.05 or c.pk == forced:
                start = max(c.opened, g.today - timedelta(days=rng.randint(0, 150)))
                result += self._package(c, start, None)
        result.sort(key=lambda p: (p.start, p.case.pk))
        return result

    def _package(self, c: _Case, start: date, end: date | None) -> list[_Plan]:
        lost = end is not None and self.rng.random() < 0.04
        result = [_Plan(c, "larmtelefon-gps", start, end, lost)]
        for kind, share in EXTRA_DEVICE:
            if self.rng.random() < share:
                result.append(_Plan(c, kind, start, end))
        return result

    # --- rows -------------------------------------------------------------------------------

    def lend(self, plan: _Plan, device: _Device) -> None:
        g, rng, t, c = self.g, self.rng, self.t, plan.case
        handler = rng.choice(c.responsible)
        acknowledged = rng.random() < 0.9
        basis = next(
            (
                f
                for f in reversed(c.finals)
                if f[0] <= plan.start and (plan.start - f[0]).days <= self.max_age
            ),
            None,
        )
        review_on = add_months(plan.start, self.review_months)
        reviewed = None
        if review_on < (plan.end or g.today) and rng.random() < 0.8:
            reviewed = review_on
            review_on = add_months(reviewed, self.review_months)
        follow_up = g.next_id("followup")
        done = plan.end
        t.add(
            FollowUp,
            pk=follow_up,
            case_id=c.pk,
            kind="loan_review",
            due_date=review_on,
            assignee_id=handler,
            done_on=done,
            outcome=("Enheten har rapporterats förlorad." if plan.lost else "Larmet är återlämnat.")
            if done
            else "",
            created_by_id=handler,
        )
        pk = g.next_id("loan")
        ended = {}
        if plan.end is not None:
            ended = {
                "end_kind": "lost" if plan.lost else "returned",
                "returned_device": not plan.lost,
                "returned_charger": not plan.lost and rng.random() < 0.9,
                "condition": "" if plan.lost else rng.choice(["good", "good", "worn", "damaged"]),
                "ended_by_id": handler,
            }
        t.add(
            Loan,
            pk=pk,
            device_id=device.pk,
            case_id=c.pk,
            case_reference=g.case_refs[c.pk],
            carrier_id=c.parts["protected"],
            started_on=plan.start,
            review_on=review_on,
            without_assessment=basis is None,
            acknowledged_on=plan.start if acknowledged else None,
            acknowledged_recorded_by_id=handler if acknowledged else None,
            review_follow_up_id=follow_up,
            ended_on=plan.end,
            end_kind=ended.get("end_kind", ""),
            returned_device=ended.get("returned_device", False),
            returned_charger=ended.get("returned_charger", False),
            condition=ended.get("condition", ""),
            ended_by_id=ended.get("ended_by_id"),
            created_by_id=handler,
            version=1 + (reviewed is not None) + (plan.end is not None),
        )
        decisions = [("initial", plan.start, review_on if reviewed is None else reviewed)]
        if reviewed is not None:
            decisions.append(("review", reviewed, review_on))
        for kind, decided_on, next_review in decisions:
            t.add(
                LoanDecision,
                loan_id=pk,
                kind=kind,
                decided_on=decided_on,
                decided_by_id=handler,
                assessment_id=basis[1] if basis else None,
                assessment_summary=(basis[2] or "Ingen nivå angiven")[:300] if basis else "",
                without_assessment=basis is None,
                reason="" if basis else REASON,
                review_on=next_review,
                recorded_by_id=handler,
            )
        kind_name = self.kinds[plan.kind].name
        self._journal(
            c,
            handler,
            plan.start,
            "alarm_lent",
            kind=kind_name,
            role="protected",
            date=review_on.isoformat(),
            basis=basis is None,
        )
        if plan.end is not None:
            code = "alarm_lost" if plan.lost else "alarm_returned"
            self._journal(c, handler, plan.end, code, kind=kind_name)
        if plan.kind == "larmtelefon-gps" and rng.random() < 0.14:
            last = plan.end or g.today
            day = plan.start + timedelta(days=rng.randint(0, max(0, (last - plan.start).days)))
            real = rng.random() < 0.7
            t.add(
                AlarmEvent,
                loan_id=pk,
                occurred_at=self._at(day),
                kind="real" if real else "mistake",
                outcome=rng.choice(["police_on_site", "phone_contact"]) if real else "no_need",
                note="",
                recorded_by_id=handler,
            )
            self.counts["alarm_event"] += 1
        device.checks.append(
            (max(device.added, plan.start - timedelta(days=rng.randint(0, 5))), True)
        )
        device.history.append((plan.start, "utlånad", "on_loan", handler))
        if plan.end is None:
            device.status = "on_loan"
        elif plan.lost:
            device.status = "lost"
            device.history.append((plan.end, "förlorad", "lost", handler))
        else:
            device.history.append((plan.end, "återlämnad", "in_store", handler))
            device.last_return = plan.end
            if plan.end < g.today - timedelta(days=3) or rng.random() < 0.5:
                checked = min(g.today, plan.end + timedelta(days=rng.randint(0, 3)))
                device.checks.append((checked, rng.random() < 0.96))
        self.counts["loan"] += 1
        self.counts["active_loan"] += plan.end is None

    def _at(self, day: date) -> datetime:
        at = datetime.combine(day, time(8)) + timedelta(minutes=self.rng.randint(0, 600))
        return timezone.make_aware(at)

    def _journal(self, c: _Case, author: int, day: date, code: str, **params: Any) -> None:
        with translation.override("sv"):
            text = render_event(code, params)
        self.t.add(
            JournalEntry,
            case_id=c.pk,
            author_id=author,
            author_organisation_id=self.g.units[c.unit].pk,
            kind="event",
            visibility="police",
            occurred_on=day,
            event=code,
            params=json.dumps(params),
            text=text,
        )

    def device_rows(self, device: _Device) -> None:
        g, rng, t = self.g, self.rng, self.t
        kind = self.kinds[device.kind]
        staff = g.handlers[device.unit]
        if device.status == "in_store":
            roll = rng.random()
            if roll < 0.05:
                device.status = "retired"
            elif roll < 0.10:
                device.status = "service"
            elif (
                device.last_return is None or device.checks[-1][0] >= device.last_return
            ) and rng.random() < 0.85:
                # A periodic check within its interval on most devices in store.
                day = max(device.checks[-1][0], g.today - timedelta(days=rng.randint(0, 25)))
                device.checks.append((day, rng.random() < 0.97))
            if device.status != "in_store":
                day = max(device.history[-1][0], g.today - timedelta(days=rng.randint(0, 200)))
                device.history.append((day, "status ändrad", device.status, staff[0].pk))
        last_passed = None
        for day, passed in device.checks:
            check = g.next_id("readiness")
            at = self._at(day)
            t.add(
                ReadinessCheck,
                pk=check,
                device_id=device.pk,
                performed_by_id=rng.choice(staff).pk,
                performed_at=at,
                passed=passed,
                note="",
            )
            for def_id, label in self.checks.get(kind.pk, []):
                t.add(
                    CheckResult,
                    check_run_id=check,
                    definition_id=def_id,
                    label=label,
                    passed=passed,
                )
            if passed:
                last_passed = at
            self.counts["readiness_check"] += 1
        last_day, last_ok = device.checks[-1]
        needs = device.last_return is not None and last_day < device.last_return
        prefix = {"larmtelefon-gps": "LT", "inspelningsenhet": "IE", "akustiskt-larm": "AL"}[
            device.kind
        ]
        phone = device.kind == "larmtelefon-gps"
        values = {
            "key": device.key,
            "unit_id": g.units[device.unit].pk,
            "kind_id": kind.pk,
            "serial": f"{prefix}-{device.pk:06d}",
            "imei": f"35999{device.pk:010d}" if phone else "",
            "sim_number": f"46709{device.pk:07d}" if phone else "",
            "notes": "",
            "last_checked_at": last_passed,
            "check_failed": not last_ok,
            "needs_check": needs,
            "created_at": self._at(device.added),
            "updated_at": self._at(device.history[-1][0]),
        }
        t.add(Device, pk=device.pk, status=device.status, version=len(device.history), **values)
        history = Device.history.model  # type: ignore[attr-defined]
        for n, (day, why, status, user) in enumerate(device.history, start=1):
            t.add(
                history,
                id=device.pk,
                status=status,
                version=n,
                history_date=self._at(day),
                history_change_reason=why,
                history_type="+" if n == 1 else "~",
                history_user_id=user,
                **values,
            )
        self.counts["device"] += 1


def make_alarms(g: _Generator, cases: list[_Case], forced: int | None) -> dict[str, int]:
    alarms = _Alarms(g)
    pools = alarms.devices()
    for plan in alarms.plans(cases, forced):
        pool = pools.get((plan.case.unit, plan.kind), [])
        if not pool or pool[0][0] > plan.start:
            alarms.counts["skipped_loan"] += 1  # no device of that kind free on the day
            continue
        _free, pk, device = heapq.heappop(pool)
        alarms.lend(plan, device)
        if plan.end is None or plan.lost:
            device.free_from = NEVER
        else:
            device.free_from = plan.end + timedelta(days=1)
        heapq.heappush(pool, (device.free_from, pk, device))
    for pool in pools.values():
        for _free, _pk, device in sorted(pool, key=lambda item: item[1]):
            alarms.device_rows(device)
    alarms.t.flush()
    return alarms.counts
