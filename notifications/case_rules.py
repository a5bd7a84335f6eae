"""The case rules (follow-ups, cases without a plan, kontaktförbud, disclosures, joint
plans, break-the-glass), registered from NotificationsConfig.ready() – ``cases`` never
imports this app.

Each ``due()`` runs a fixed number of queries for all recipients: one for the items, one
for the recipients (responsible handlers through the guardian table, heads through the
memberships), joined in Python. Responsible handlers are the users with the case's
``change_protectioncase`` object permission (as in the case list).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from cases import access, extensions
from cases.models import (
    BreakGlassAccess,
    ContactBan,
    Disclosure,
    FollowUp,
    Party,
    PlanConfirmation,
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
)
from notifications.rules import Due, Rule, case_path, static_path

OPEN = ProtectionCase.Status.OPEN
FOLLOW_UP_SOON_DAYS = 2
FOLLOW_UP_HEAD_AFTER_DAYS = 7
CONTACT_BAN_SOON_DAYS = 14
CONTACT_BAN_ENDED_DAYS = 7  # an ended ban is reminded for a week, then left alone
DISCLOSURE_SOON_DAYS = 7
SHARED_CASE_CLOSED_DAYS = 7  # a notice not sent within a week (scheduler down) is dropped


def _heads(
    org_ids: Collection[int] | None, user_ids: Collection[int] | None
) -> dict[int, list[int]]:
    """Active heads (not administrators) per organisation, in one query."""
    qs = Membership.objects.filter(
        role=Membership.Role.HEAD,
        is_active=True,
        organisation__is_active=True,
        user__is_active=True,
        user__is_staff=False,
        user__is_superuser=False,
    )
    if org_ids is not None:
        qs = qs.filter(organisation_id__in=org_ids)
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    result: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in qs.values_list("organisation_id", "user_id"):
        result[org_id].append(user_id)
    return result


def _responsible(
    cases: QuerySet[ProtectionCase], user_ids: Collection[int] | None
) -> dict[int, list[int]]:
    """Responsible handlers per case, in one query (``cases`` is used as a subquery)."""
    qs = ProtectionCaseUserObjectPermission.objects.filter(
        permission__codename="change_protectioncase",
        content_object_id__in=cases.values("pk"),
        user__is_active=True,
    )
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    result: dict[int, list[int]] = defaultdict(list)
    for case_id, user_id in qs.values_list("content_object_id", "user_id"):
        result[case_id].append(user_id)
    return result


def _today(now: datetime) -> Any:
    return timezone.localtime(now).date()


class FollowUpDue(Rule):
    name = "followup_due"
    label = gettext_lazy("Uppföljningar att göra")

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        today = _today(now)
        qs = FollowUp.objects.filter(
            done_on__isnull=True,
            assignee__isnull=False,
            case__status=OPEN,
            due_date__lte=today + timedelta(days=FOLLOW_UP_SOON_DAYS),
        )
        if user_ids is not None:
            qs = qs.filter(assignee_id__in=user_ids)
        for pk, case_id, due_date, kind, assignee_id in qs.values_list(
            "pk", "case_id", "due_date", "kind", "assignee_id"
        ):
            params = {"date": due_date.isoformat(), "overdue": due_date < today, "kind": kind}
            yield Due(assignee_id, f"followup:{pk}", case_id, params)

    def line(self, params: dict[str, Any]) -> str:
        kind = FollowUp.Kind(params["kind"]).label if params.get("kind") else ""
        if params.get("overdue"):
            return _("%(kind)s, försenad (senast %(date)s)") % {
                "kind": kind,
                "date": params["date"],
            }
        return _("%(kind)s senast %(date)s") % {"kind": kind, "date": params["date"]}

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return super().link(case_key, params) + "#uppfoljningar"


class FollowUpOverdueForHead(Rule):
    name = "followup_overdue_unit"
    label = gettext_lazy("Uppföljningar i enheten som är mer än en vecka försenade")

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        today = _today(now)
        heads = _heads(None, user_ids)
        qs = FollowUp.objects.filter(
            done_on__isnull=True,
            case__status=OPEN,
            due_date__lt=today - timedelta(days=FOLLOW_UP_HEAD_AFTER_DAYS),
        )
        if user_ids is not None:
            qs = qs.filter(case__unit_id__in=list(heads))
        for pk, case_id, unit_id, due_date, assignee_id in qs.order_by().values_list(
            "pk", "case_id", "case__unit_id", "due_date", "assignee_id"
        ):
            params = {"date": due_date.isoformat(), "days": (today - due_date).days}
            for head_id in heads.get(unit_id, ()):
                if head_id != assignee_id:
                    yield Due(head_id, f"followup:{pk}", case_id, params)

    def line(self, params: dict[str, Any]) -> str:
        return _("Senast %(date)s, %(days)s dagar försenad") % params

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return super().link(case_key, params) + "#uppfoljningar"


class CaseWithoutFollowUp(Rule):
    name = "case_without_followup"
    label = gettext_lazy("Öppna ärenden utan planerad uppföljning")

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        planned = FollowUp.objects.filter(case=OuterRef("pk"), done_on__isnull=True)
        cases = ProtectionCase.objects.filter(status=OPEN).filter(~Exists(planned))
        heads = _heads(None, user_ids)
        responsible = _responsible(cases, user_ids)
        if user_ids is not None:
            cases = cases.filter(Q(pk__in=list(responsible)) | Q(unit_id__in=list(heads)))
        for case_id, unit_id, opened_on in cases.values_list("pk", "unit_id", "opened_on"):
            params = {"date": opened_on.isoformat()}
            for user_id in {*responsible.get(case_id, ()), *heads.get(unit_id, ())}:
                yield Due(user_id, f"case:{case_id}", case_id, params)

    def line(self, params: dict[str, Any]) -> str:
        return _("Öppnat %(date)s") % params


class ContactBanEnding(Rule):
    name = "contact_ban_ending"
    label = gettext_lazy("Kontaktförbud som löper ut eller har löpt ut")

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        today = _today(now)
        bans = ContactBan.objects.filter(
            case__status=OPEN,
            status__in=[ContactBan.Status.GRANTED, ContactBan.Status.EXTENDED],
            valid_until__gte=today - timedelta(days=CONTACT_BAN_ENDED_DAYS),
            valid_until__lte=today + timedelta(days=CONTACT_BAN_SOON_DAYS),
        )
        responsible = _responsible(
            ProtectionCase.objects.filter(pk__in=bans.values("case_id")), user_ids
        )
        for pk, case_id, until in bans.values_list("pk", "case_id", "valid_until"):
            assert until is not None  # filtered on
            params = {"date": until.isoformat(), "ended": until < today}
            for user_id in responsible.get(case_id, ()):
                yield Due(user_id, f"contactban:{pk}", case_id, params)

    def line(self, params: dict[str, Any]) -> str:
        if params.get("ended"):
            return _("Gällde till %(date)s") % params
        return _("Gäller till %(date)s") % params


def _to_social(now: datetime) -> QuerySet[Disclosure]:
    return Disclosure.objects.active(_today(now)).filter(
        direction=Disclosure.Direction.TO_SOCIAL, case__status=OPEN
    )


class DisclosureEnding(Rule):
    name = "disclosure_ending"
    label = gettext_lazy("Utlämnanden som upphör inom en vecka")

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        today = _today(now)
        # Active and ending within the week, written without active()'s "no end date OR
        # not yet ended": PostgreSQL then estimates the few rows of the end-date index
        # instead of thousands, and does not join every open case (issue 16).
        ending = Disclosure.objects.filter(
            direction=Disclosure.Direction.TO_SOCIAL,
            case__status=OPEN,
            withdrawn_at__isnull=True,
            valid_from__lte=today,
            valid_until__range=(today, today + timedelta(days=DISCLOSURE_SOON_DAYS)),
        )
        responsible = _responsible(
            ProtectionCase.objects.filter(pk__in=ending.values("case_id")), user_ids
        )
        heads = _heads(None, user_ids)
        rows = ending.order_by().values_list("pk", "case_id", "recipient_id", "valid_until")
        for pk, case_id, recipient_id, until in rows:
            assert until is not None  # filtered on
            params = {"date": until.isoformat()}
            for user_id in {*responsible.get(case_id, ()), *heads.get(recipient_id, ())}:
                yield Due(user_id, f"disclosure:{pk}", case_id, params)

    def line(self, params: dict[str, Any]) -> str:
        return _("Gäller till %(date)s") % params


class DisclosureWaitingForHandler(Rule):
    name = "disclosure_waiting"
    label = gettext_lazy("Utlämnanden som väntar på handläggare")
    urgent = True

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        assigned = Disclosure.handlers.through.objects.filter(disclosure_id=OuterRef("pk"))
        waiting = _to_social(now).filter(~Exists(assigned))
        heads = _heads(None, user_ids)
        if user_ids is not None:
            waiting = waiting.filter(recipient_id__in=list(heads))
        rows = waiting.values_list("pk", "case_id", "recipient_id", "valid_from", "created_by_id")
        for pk, case_id, recipient_id, valid_from, actor_id in rows:
            params = {"date": valid_from.isoformat()}
            for head_id in heads.get(recipient_id, ()):
                yield Due(head_id, f"disclosure:{pk}", case_id, params, actor_id=actor_id)

    def line(self, params: dict[str, Any]) -> str:
        return _("Gäller från %(date)s – tilldela handläggare") % params

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return static_path("cases:shared_cases")


class SharedCaseClosed(Rule):
    """Ett delat ärende har avslutats: closing ended the disclosure (issue 11). The
    recipient's head is told at once. The item has no case: the recipient no longer has
    access to it, so it is headed by the reference alone and allowed to the heads of the
    recipient organisation (checked again at sending)."""

    name = "shared_case_closed"
    label = gettext_lazy("Ett delat ärende har avslutats")
    urgent = True

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        ended = Disclosure.objects.filter(
            ended_by_closing=True,
            direction=Disclosure.Direction.TO_SOCIAL,
            withdrawn_at__gte=now - timedelta(days=SHARED_CASE_CLOSED_DAYS),
        )
        heads = _heads(None, user_ids)
        if user_ids is not None:
            ended = ended.filter(recipient_id__in=list(heads))
        rows = ended.values_list(
            "pk", "case__reference", "recipient_id", "withdrawn_at", "withdrawn_by_id"
        )
        for pk, reference, recipient_id, ended_at, actor_id in rows:
            params = {
                "reference": reference,
                "organisation": recipient_id,
                "date": timezone.localtime(ended_at).date().isoformat(),
            }
            for head_id in heads.get(recipient_id, ()):
                yield Due(head_id, f"disclosure:{pk}", None, params, actor_id=actor_id)

    def allows(self, user: Any, params: dict[str, Any]) -> bool:
        return params.get("organisation") in access.headed_social_org_ids(user)

    def reference(self, params: dict[str, Any]) -> str:
        return str(params.get("reference", ""))

    def line(self, params: dict[str, Any]) -> str:
        return _("Avslutat %(date)s – utlämnandet har upphört") % params

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return static_path("cases:shared_cases")


class PlanAwaitingConfirmation(Rule):
    """A draft plan that someone has confirmed waits for everyone else: the police (the
    responsible handlers) if they have not confirmed, and each recipient organisation of
    the plan that has not confirmed the current version (that organisation's assigned
    handlers only). One recipient is never told of another: the line says the version waits
    for "er", never who confirmed, and no other organisation's user is the item's actor
    (issue 10)."""

    name = "plan_awaiting_confirmation"
    label = gettext_lazy("Skyddsplaner som väntar på er bekräftelse")

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        rows = PlanConfirmation.objects.filter(
            cleared_at__isnull=True, plan__status="draft", plan__case__status=OPEN
        ).values_list("plan_id", "plan__case_id", "plan__number", "party", "organisation_id")
        plans: dict[int, tuple[int, int]] = {}
        police_confirmed: set[int] = set()
        confirmed_orgs: dict[int, set[int]] = defaultdict(set)
        for plan_id, case_id, number, party, organisation_id in rows:
            plans[plan_id] = (case_id, number)
            if party == Party.POLICE:
                police_confirmed.add(plan_id)
            else:
                confirmed_orgs[plan_id].add(organisation_id)
        case_ids = {case_id for case_id, _number in plans.values()}
        responsible = _responsible(ProtectionCase.objects.filter(pk__in=case_ids), user_ids)
        # The assigned handlers of each recipient organisation, per case.
        recipients: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        handlers = Disclosure.handlers.through.objects.filter(
            disclosure__in=_to_social(now).filter(case_id__in=case_ids, scope_plan=True),
            user__is_active=True,
        )
        if user_ids is not None:
            handlers = handlers.filter(user_id__in=user_ids)
        for case_id, recipient_id, user_id in handlers.values_list(
            "disclosure__case_id", "disclosure__recipient_id", "user_id"
        ):
            recipients[case_id][recipient_id].add(user_id)
        for plan_id, (case_id, number) in plans.items():
            params = {"version": number}
            waiting: set[int] = set()
            if plan_id not in police_confirmed:
                waiting |= set(responsible.get(case_id, ()))
            for recipient_id, users in recipients[case_id].items():
                if recipient_id not in confirmed_orgs[plan_id]:
                    waiting |= users
            for user_id in sorted(waiting):
                yield Due(user_id, f"plan:{plan_id}", case_id, params)

    def line(self, params: dict[str, Any]) -> str:
        return _("Version %(version)s väntar på er bekräftelse") % params

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return case_path("cases:plan", case_key)


class BreakGlassOpenings(Rule):
    name = "break_glass_openings"
    label = gettext_lazy("Nödåtkomster det senaste dygnet")

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterator[Due]:
        heads = _heads(None, user_ids)
        grants = BreakGlassAccess.objects.filter(granted_at__gte=now - timedelta(days=1))
        if user_ids is not None:
            grants = grants.filter(case__unit_id__in=list(heads))
        rows = grants.values_list("pk", "case_id", "case__unit_id", "granted_at", "user_id")
        for pk, case_id, unit_id, granted_at, actor_id in rows:
            params = {"date": timezone.localtime(granted_at).date().isoformat()}
            for head_id in heads.get(unit_id, ()):
                yield Due(head_id, f"breakglass:{pk}", case_id, params, actor_id=actor_id)

    def line(self, params: dict[str, Any]) -> str:
        return _("Öppnat med nödåtkomst %(date)s – granska skälet") % params

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        return static_path("cases:break_glass_list")


CASE_RULES: list[Rule] = [
    DisclosureWaitingForHandler(),
    SharedCaseClosed(),
    FollowUpDue(),
    FollowUpOverdueForHead(),
    CaseWithoutFollowUp(),
    ContactBanEnding(),
    DisclosureEnding(),
    PlanAwaitingConfirmation(),
    BreakGlassOpenings(),
]


def register_all() -> None:
    for index, rule in enumerate(CASE_RULES):
        extensions.notification_rules.register(rule, order=10 + index)
