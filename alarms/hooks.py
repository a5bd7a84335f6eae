"""What alarms adds to a case through cases.extensions (registered in AlarmsConfig.ready):
the closing blocker, the case flags, and the retention-purge hook. The case panel is in
alarms.panels."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from alarms.models import AlarmEvent, Loan, LoanDecision
from cases.lookups import ids_condition
from cases.models import Participant, ProtectionCase
from cases.roundtrip import Pending, Statement, done, fetch_together, settle
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


def _flag_statement(case_ids: list[int]) -> Statement:
    """Per case among ``case_ids``: ("lent", whether an active loan lacks a structured
    assessment) when a device is on loan, and ("due", True) when a real alarm came after the
    case's latest finalised risk assessment (or there is none) – one hand-written statement
    for a page of cases. As ORM Exists/Subquery annotations it cost 3–4 ms of Python per list
    page to build for about 1 ms of SQL (issue 16, profiled); tests/alarms/test_flags_sql.py
    holds it equal to the rule written with the ORM. Plain SQL for PostgreSQL and SQLite."""
    loan, event = Loan._meta.db_table, AlarmEvent._meta.db_table
    assessment = Assessment._meta.db_table
    cond, cond_params = ids_condition("l.case_id", case_ids)  # in both parts
    sql = (
        f"SELECT l.case_id, 'lent', MAX(CASE WHEN l.without_assessment THEN 1 ELSE 0 END) "  # noqa: S608 - names and placeholders
        f"FROM {loan} l WHERE {cond} AND l.ended_on IS NULL GROUP BY l.case_id "
        f"UNION ALL "
        f"SELECT DISTINCT l.case_id, 'due', 1 FROM {event} e JOIN {loan} l ON l.id = e.loan_id "
        f"WHERE {cond} AND e.kind = %s AND NOT EXISTS (SELECT 1 FROM {assessment} a "
        f"WHERE a.case_id = l.case_id AND a.status = %s AND a.finalised_at >= e.occurred_at)"
    )
    params = [*cond_params, *cond_params, AlarmEvent.Kind.REAL.value, Assessment.Status.FINAL.value]
    return Statement(sql, params, prepared=True)


def _flag_rows(case_ids: list[int]) -> list[tuple[int, str, bool]]:
    (rows,) = fetch_together([_flag_statement(case_ids)])
    return [(case_id, kind, bool(value)) for case_id, kind, value in rows]


def pending_case_flags(case_ids: list[int]) -> Pending[dict[int, list[str]]]:
    """``case_flags`` as a part of a list page read in one round trip (the provider of
    ``cases.extensions.case_flags``)."""
    if not case_ids:
        return done({})
    return Pending(
        (_flag_statement(case_ids),),
        lambda rows: _flags(
            case_ids, [(case_id, kind, bool(value)) for case_id, kind, value in rows[0]]
        ),
    )


def case_flags(case_ids: list[int]) -> dict[int, list[str]]:
    """ "Larm utlånat" (and "utan strukturerad bedömning"), "Ny bedömning efter larm": one
    query for the whole page of cases."""
    (flags,) = settle([pending_case_flags(case_ids)])
    return flags


def _flags(case_ids: list[int], rows: list[tuple[int, str, bool]]) -> dict[int, list[str]]:
    lent: dict[int, bool] = {}
    due: set[int] = set()
    for case_id, kind, value in rows:
        if kind == "lent":
            lent[case_id] = value
        else:
            due.add(case_id)
    flags: dict[int, list[str]] = defaultdict(list)
    for pk in dict.fromkeys(case_ids):
        if pk in lent:
            flags[pk].append(
                _("Larm utlånat (utan strukturerad bedömning)") if lent[pk] else _("Larm utlånat")
            )
        if pk in due:
            flags[pk].append(_("Ny bedömning efter larm"))
    return dict(flags)


def needs_reassessment(case: ProtectionCase) -> bool:
    """A real alarm in the case after its latest finalised risk assessment (or with none)."""
    return any(kind == "due" for _pk, kind, _value in _flag_rows([case.pk]))


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
