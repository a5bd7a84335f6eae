"""The alarm notification rules (the protocol of notifications.rules), registered from
AlarmsConfig.ready(): loan reviews due within a week or overdue, devices not returned, an
alarm activation ("skarpt larm", urgent) – all to the case's responsible handlers – and
overdue readiness checks to the owning unit's handlers (the ones who do the checks; the head
already sees the counts on the inventory page).

Each ``due()`` runs a fixed number of queries (the items, the recipients), joined in Python.
Params hold dates, counts, ids and opaque keys only: never a serial, IMEI, SIM number, note,
name or address – they end up in e-mails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organisation, User
from alarms import services
from alarms.models import AlarmEvent
from cases import access, extensions
from cases.lookups import AnyOf
from cases.models import ProtectionCaseUserObjectPermission
from notifications.rules import Due, Rule

REVIEW_SOON_DAYS = 7
ACTIVATION_WINDOW = timedelta(days=1)  # an activation is notified when recorded, not later


def _responsible(case_ids: Any, user_ids: Collection[int] | None) -> dict[int, list[int]]:
    """Responsible handlers (``change_protectioncase``) per case, in one query."""
    qs = ProtectionCaseUserObjectPermission.objects.filter(
        permission__codename="change_protectioncase",
        content_object_id__in=case_ids,
        user__is_active=True,
    )
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    result: dict[int, list[int]] = defaultdict(list)
    for case_id, user_id in qs.values_list("content_object_id", "user_id"):
        result[case_id].append(user_id)
    return result


def _loan_link(case_key: str, params: dict[str, Any]) -> str:
    return reverse("alarms:loan", kwargs={"key": case_key, "loan": params["loan"]})


class _LoanRule(Rule):
    def loans(self, now: datetime) -> Any:
        raise NotImplementedError

    def params(self, row: tuple[Any, ...], today: Any) -> dict[str, Any]:
        raise NotImplementedError

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        loans = self.loans(now).filter(case__isnull=False)
        responsible = _responsible(loans.order_by().values("case_id"), user_ids)
        if user_ids is not None:
            # One user's items (the start page's preview): only the loans of their cases.
            # Over every active loan PostgreSQL hashed all 200,000 cases for the case
            # status (issue 16: 24 ms of the head's start page).
            loans = loans.filter(AnyOf(F("case_id"), sorted(responsible)))
        today = timezone.localtime(now).date()
        rows = loans.values_list("pk", "key", "case_id", "review_on", "return_by")
        for row in rows:
            params = self.params(row, today)
            for user_id in responsible.get(row[2], ()):
                yield Due(user_id, f"loan:{row[0]}", row[2], params)

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return _loan_link(case_key, params)


class LoanReviewDue(_LoanRule):
    name = "alarms.loan_review"
    label = gettext_lazy("Lån av larmutrustning att se över")

    def loans(self, now: datetime) -> Any:
        today = timezone.localtime(now).date()
        return services.loans_review_due(within_days=REVIEW_SOON_DAYS, today=today)

    def params(self, row: tuple[Any, ...], today: Any) -> dict[str, Any]:
        review_on = row[3]
        return {"loan": str(row[1]), "date": review_on.isoformat(), "overdue": review_on < today}

    def line(self, params: dict[str, Any]) -> str:
        if params.get("overdue"):
            return _("Översynen är försenad (senast %(date)s)") % params
        return _("Översyn senast %(date)s") % params


class LoanNotReturned(_LoanRule):
    name = "alarms.loan_not_returned"
    label = gettext_lazy("Larmutrustning som inte är återlämnad")

    def loans(self, now: datetime) -> Any:
        return services.unreturned_loans(timezone.localtime(now).date())

    def params(self, row: tuple[Any, ...], today: Any) -> dict[str, Any]:
        return_by = row[4]
        return {"loan": str(row[1]), "date": return_by.isoformat() if return_by else ""}

    def line(self, params: dict[str, Any]) -> str:
        if params.get("date"):
            return _("Skulle ha återlämnats senast %(date)s") % params
        return _("Ärendet är avslutat men utrustningen är inte återlämnad")


class AlarmActivation(Rule):
    name = "alarms.activation"
    label = gettext_lazy("Skarpt larm")
    urgent = True

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        events = AlarmEvent.objects.filter(
            kind=AlarmEvent.Kind.REAL,
            created_at__gte=now - ACTIVATION_WINDOW,
            created_at__lte=now,
            loan__case__isnull=False,
        )
        responsible = _responsible(events.values("loan__case_id"), user_ids)
        rows = events.values_list(
            "pk", "loan__key", "loan__case_id", "occurred_at", "recorded_by_id"
        )
        for pk, loan_key, case_id, occurred_at, actor_id in rows:
            local = timezone.localtime(occurred_at)
            params = {
                "loan": str(loan_key),
                "date": local.date().isoformat(),
                "time": local.strftime("%H:%M"),
            }
            for user_id in responsible.get(case_id, ()):
                yield Due(user_id, f"alarm:{pk}", case_id, params, actor_id=actor_id)

    def line(self, params: dict[str, Any]) -> str:
        return _("Skarpt larm %(date)s kl. %(time)s") % params

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return _loan_link(case_key, params)


class DeviceChecksOverdue(Rule):
    """One item per unit and handler: how many devices need a readiness check (no case)."""

    name = "alarms.checks_overdue"
    label = gettext_lazy("Larmenheter med försenad beredskapskontroll")

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        counts: dict[int, int] = defaultdict(int)
        for unit_id in services.devices_with_overdue_checks(now).values_list("unit_id", flat=True):
            counts[unit_id] += 1
        handlers = Membership.objects.filter(
            role=Membership.Role.HANDLER,
            is_active=True,
            organisation__kind=Organisation.Kind.POLICE_UNIT,
            organisation__is_active=True,
            organisation_id__in=list(counts),
            user__is_active=True,
        )
        if user_ids is not None:
            handlers = handlers.filter(user_id__in=user_ids)
        for unit_id, user_id in handlers.values_list("organisation_id", "user_id"):
            params = {"unit": unit_id, "count": counts[unit_id]}
            yield Due(user_id, f"checks:{unit_id}", None, params)

    def allows(self, user: User, params: dict[str, Any]) -> bool:
        return params.get("unit") in access.police_unit_ids(user)

    def reference(self, params: dict[str, Any]) -> str:
        return _("Larmutrustning")

    def line(self, params: dict[str, Any]) -> str:
        return _("%(count)s enheter behöver beredskapskontrolleras") % params

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return reverse("alarms:inventory") + "?problem=overdue"


ALARM_RULES: list[Rule] = [
    AlarmActivation(),
    LoanReviewDue(),
    LoanNotReturned(),
    DeviceChecksOverdue(),
]


def register_all() -> None:
    for index, rule in enumerate(ALARM_RULES):
        extensions.notification_rules.register(rule, order=60 + index)
