"""What alarms adds to a case through cases.extensions (registered in AlarmsConfig.ready):
the closing blocker, the case flags, and the retention-purge hook. The case panel is in
alarms.panels."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from alarms.models import AlarmEvent, Loan, LoanDecision
from cases.models import Participant, ProtectionCase
from riskassessment.models import Assessment

PURGED = "(gallrad)"


def active_loans_block_closing(case: ProtectionCase) -> list[str]:
    """A case cannot be closed while a device is on loan in it: name each loan."""
    return [
        _(
            "Larmet ”%(kind)s” är utlånat sedan %(start)s (översyn senast %(review)s): "
            "registrera återlämnandet eller att enheten är förlorad innan ärendet avslutas."
        )
        % {
            "kind": loan.device.kind.name,
            "start": loan.started_on.isoformat(),
            "review": loan.review_on.isoformat(),
        }
        for loan in Loan.objects.filter(case=case, ended_on__isnull=True)
        .select_related("device__kind")
        .order_by("started_on", "pk")
    ]


def _needs_reassessment(case_ids: list[int]) -> Exists:
    """A real alarm after the case's latest finalised risk assessment (or with none), for
    cases among ``case_ids`` (PostgreSQL may hash the subquery over all its rows: bounded
    to the page's cases, that is a few rows, not every alarm in the country)."""
    latest_final = (
        Assessment.objects.filter(case=OuterRef("loan__case"), status=Assessment.Status.FINAL)
        .order_by("-finalised_at")
        .values("finalised_at")[:1]
    )
    real = AlarmEvent.objects.filter(
        loan__case_id__in=case_ids, loan__case=OuterRef("pk"), kind=AlarmEvent.Kind.REAL
    )
    return Exists(
        real.annotate(latest=Subquery(latest_final)).filter(
            Q(latest__isnull=True) | Q(latest__lt=F("occurred_at"))
        )
    )


def case_flags(case_ids: list[int]) -> dict[int, list[str]]:
    """ "Larm utlånat" (and "utan strukturerad bedömning"), "Ny bedömning efter larm": one
    query for the whole page of cases."""
    if not case_ids:
        return {}
    active = Loan.objects.filter(case=OuterRef("pk"), ended_on__isnull=True)
    rows = (
        ProtectionCase.objects.filter(pk__in=case_ids)
        .annotate(
            lent=Exists(active),
            lent_without=Exists(active.filter(without_assessment=True)),
            after_alarm=_needs_reassessment(case_ids),
        )
        .values_list("pk", "lent", "lent_without", "after_alarm")
    )
    # No filter on the flags in SQL: with "lent OR after_alarm" in the WHERE, PostgreSQL
    # hashed the subqueries over every loan and alarm in the country (37 ms on the
    # national data); per row of the page they are a few index lookups (issue 16).
    flags: dict[int, list[str]] = defaultdict(list)
    for pk, lent, lent_without, after_alarm in rows:
        if lent:
            flags[pk].append(
                _("Larm utlånat (utan strukturerad bedömning)")
                if lent_without
                else _("Larm utlånat")
            )
        if after_alarm:
            flags[pk].append(_("Ny bedömning efter larm"))
    return dict(flags)


def needs_reassessment(case: ProtectionCase) -> bool:
    return ProtectionCase.objects.filter(pk=case.pk).filter(_needs_reassessment([case.pk])).exists()


def purge_case(case: ProtectionCase) -> dict[str, int]:
    """Before the case is purged: its loans stay (the devices' history) with the case
    reference only. The links to the case, its persons and its assessments go, and so does
    every free text that may name someone – also in the change history."""
    loans = Loan.objects.filter(case=case)
    loan_ids = list(loans.values_list("pk", flat=True))
    if not loan_ids:
        return {}
    cleared = {"case": None, "carrier": None, "review_follow_up": None, "end_note": ""}
    counts = {"alarms.Loan (kopplingar borttagna)": loans.update(**cleared)}
    Loan.history.filter(id__in=loan_ids).update(
        case_id=None, carrier_id=None, review_follow_up_id=None, end_note=""
    )
    decisions = LoanDecision.objects.filter(loan_id__in=loan_ids)
    decisions.update(assessment=None)
    # A decision without an assessment keeps that it had a written reason, not the reason.
    decisions.exclude(reason="").update(reason=PURGED)
    AlarmEvent.objects.filter(loan_id__in=loan_ids).update(note="", follow_up=None)
    AlarmEvent.history.filter(loan_id__in=loan_ids).update(note="", follow_up_id=None)
    return counts


def loans_name_the_participant(participant: Participant) -> list[str]:
    """A participant who carries (or carried) an alarm in the case is named by the loan: the
    loan's history would lose its carrier."""
    loans = Loan.objects.filter(carrier=participant).select_related("device__kind")
    return [
        _(
            "Personen är bärare av larmet ”%(kind)s” (utlånat %(start)s). Lånet nämner "
            "personen och tas inte bort."
        )
        % {"kind": loan.device.kind.name, "start": loan.started_on.isoformat()}
        for loan in loans.order_by("started_on", "pk")
    ]
