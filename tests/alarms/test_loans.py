"""Lending, review, return, lost, activations: what persists, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from alarms import events, hooks, loans, services
from alarms.models import AlarmEvent, Device, Loan, LoanDecision
from cases.casework import services as casework
from cases.errors import CaseClosed, Conflict, Invalid, NotAllowed
from cases.models import FollowUp, JournalEntry, MeasureKind, Participant, ProtectiveMeasure
from tests.alarms.helpers import device, lend, protected
from tests.factories import make_case, make_disclosure
from tests.riskassessment.helpers import case_access, final_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    return make_case(handler)


def test_lending_with_an_assessment_records_the_decision_measure_and_review(handler, head, case):
    assessment = final_assessment(handler, case)
    row = device(handler)
    loan = lend(handler, case, row, assessment_id=assessment.pk, decision_maker=head)
    loan.refresh_from_db()
    row.refresh_from_db()
    assert row.status == Device.Status.ON_LOAN
    assert loan.case_reference == case.reference and not loan.without_assessment
    assert loan.review_on == loans.add_months(date.today(), 3)
    decision = LoanDecision.objects.get(loan=loan)
    assert decision.assessment == assessment and decision.decided_by == head
    assert "SARA" in decision.assessment_summary and "Hög" in decision.assessment_summary
    measure = ProtectiveMeasure.objects.get(case=case, kind__code="skyddslarm")
    assert measure.status == ProtectiveMeasure.Status.ACTIVE
    follow_up = FollowUp.objects.get(case=case, kind=FollowUp.Kind.LOAN_REVIEW)
    assert loan.review_follow_up == follow_up and follow_up.due_date == loan.review_on
    assert follow_up.note == ""  # shared with social services: no device detail
    assert JournalEntry.objects.filter(case=case, text__startswith="Larm utlånat").exists()


def test_a_planned_alarm_measure_is_activated_not_duplicated(handler, case):
    kind = MeasureKind.objects.get(code="skyddslarm")
    planned = casework.add_measure(handler, case, kind=kind)
    lend(handler, case, device(handler))
    planned.refresh_from_db()
    assert planned.status == ProtectiveMeasure.Status.ACTIVE
    assert ProtectiveMeasure.objects.filter(case=case, kind=kind).count() == 1


def test_without_a_final_assessment_a_written_reason_is_required(handler, case):
    row = device(handler)
    with pytest.raises(Invalid) as refused:
        loans.lend(handler, case, device=row, carrier=protected(case), started_on=date.today())
    assert refused.value.field == "reason"
    assert not Loan.objects.exists()
    loan = lend(handler, case, row, reason="Hotet är akut; SARA görs i veckan")
    assert loan.without_assessment
    assert LoanDecision.objects.get(loan=loan).without_assessment


def test_an_assessment_older_than_the_setting_is_no_basis(handler, case, settings):
    settings.ALARM_ASSESSMENT_MAX_AGE_DAYS = 30
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        old = final_assessment(handler, case)
    with pytest.raises(Invalid) as refused:
        lend(handler, case, device(handler), assessment_id=old.pk)
    assert refused.value.field == "assessment"


def test_a_device_with_an_overdue_check_cannot_be_lent(handler, case):
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        row = device(handler)
    with pytest.raises(Invalid) as refused:
        lend(handler, case, row)
    assert "försenad" in refused.value.message
    assert not Loan.objects.exists()
    assert services.devices_with_overdue_checks().filter(pk=row.pk).exists()


def test_a_returned_device_cannot_be_lent_before_it_is_checked(handler, case):
    row = device(handler)
    loan = lend(handler, case, row)
    loans.end_loan(handler, loan, expected_version=loan.version, condition="good")
    row.refresh_from_db()
    assert row.status == Device.Status.IN_STORE and row.needs_check
    other = make_case(handler)
    with pytest.raises(Invalid) as refused:
        lend(handler, other, row)
    assert "återlämnats" in refused.value.message
    services.record_check(handler, row, passed={d.pk for d in services.active_checks(row.kind)})
    assert lend(handler, other, row).is_active


def test_a_failed_check_blocks_lending(handler, case):
    row = device(handler)
    services.record_check(handler, row, passed=set(), note="Batteriet laddar inte")
    with pytest.raises(Invalid, match="underkändes"):
        lend(handler, case, row)


def test_a_second_active_loan_through_the_orm_is_an_integrity_error(handler, case):
    row = device(handler)
    first = lend(handler, case, row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            device=row,
            case=case,
            case_reference=case.reference,
            carrier=first.carrier,
            started_on=date.today(),
            review_on=date.today() + timedelta(days=30),
        )


def test_lending_a_lent_device_is_a_conflict_with_a_swedish_message(handler, case):
    row = device(handler)
    lend(handler, case, row)
    Device.objects.filter(pk=row.pk).update(status=Device.Status.IN_STORE)  # stale view
    with pytest.raises(Conflict, match="just lånats ut"):
        lend(handler, make_case(handler), row)
    assert Loan.objects.filter(device=row).count() == 1


def test_the_carrier_must_be_protected_or_family_of_this_case(handler, case):
    threat = case.participants.get(role=Participant.Role.THREAT_ACTOR)
    with pytest.raises(Invalid) as refused:
        lend(handler, case, device(handler), carrier=threat)
    assert refused.value.field == "carrier"
    other = make_case(handler)
    with pytest.raises(Invalid):
        lend(handler, case, device(handler), carrier=protected(other))


def test_only_police_with_edit_rights_lend(handler, colleague, social, koping, case):
    from cases import access

    make_disclosure(case, koping, handlers=[social])
    row = device(handler)
    access.break_the_glass(colleague, case, reason="Test – skyddspersonen ringde jourtid")
    for user in (colleague, social):
        with pytest.raises(NotAllowed):
            lend(user, case, row)
    assert not Loan.objects.exists()


def test_another_units_device_cannot_be_lent(handler, other_police, case):
    with pytest.raises(Invalid) as refused:
        lend(handler, case, device(other_police))
    assert refused.value.field == "device"


def test_closing_is_refused_naming_the_loan(handler, case):
    lend(handler, case, device(handler))
    with pytest.raises(casework.ClosingBlockedError) as refused:
        casework.close_case(handler, case, reason="threat_gone", final_note="Klart")
    message = " ".join(refused.value.blockers)
    assert "Larmet ”Larmtelefon med GPS” är utlånat sedan" in message
    assert date.today().isoformat() in message
    case.refresh_from_db()
    assert case.is_open


def test_review_is_a_new_decision_and_moves_the_follow_up(handler, case):
    loan = lend(handler, case, device(handler))
    first_follow_up = loan.review_follow_up
    new_date = date.today() + timedelta(days=60)
    with pytest.raises(Invalid):  # no basis: never a silent extension
        loans.review(handler, loan, expected_version=loan.version, review_on=new_date)
    assessment = final_assessment(handler, case)
    loans.review(
        handler,
        loan,
        expected_version=loan.version,
        review_on=new_date,
        assessment_id=assessment.pk,
    )
    loan.refresh_from_db()
    assert loan.review_on == new_date and not loan.without_assessment
    assert [d.kind for d in loan.decisions.order_by("pk")] == ["initial", "review"]
    first_follow_up.refresh_from_db()
    assert first_follow_up.done_on == date.today()
    assert loan.review_follow_up.due_date == new_date and loan.review_follow_up.done_on is None
    with pytest.raises(Conflict):  # stale version
        loans.review(handler, loan, expected_version=1, review_on=new_date, reason="x")


def test_return_ends_the_loan_measure_and_review(handler, case):
    row = device(handler)
    loan = lend(handler, case, row)
    loans.end_loan(
        handler, loan, expected_version=loan.version, returned_charger=True, condition="worn"
    )
    loan.refresh_from_db()
    assert loan.end_kind == Loan.EndKind.RETURNED and loan.ended_on == date.today()
    assert loan.returned_device and loan.returned_charger and loan.condition == "worn"
    assert loan.review_follow_up.done_on == date.today()
    measure = ProtectiveMeasure.objects.get(case=case, kind__code="skyddslarm")
    assert measure.status == ProtectiveMeasure.Status.ENDED
    assert hooks.active_loans_block_closing(case) == []


def test_lost_device_ends_the_loan_and_marks_the_device(handler, case):
    row = device(handler)
    loan = lend(handler, case, row)
    loans.end_loan(handler, loan, expected_version=loan.version, lost=True, note="Tappad")
    row.refresh_from_db()
    loan.refresh_from_db()
    assert row.status == Device.Status.LOST and loan.end_kind == Loan.EndKind.LOST


def test_a_real_alarm_plans_a_follow_up_and_flags_reassessment(handler, case):
    final_assessment(handler, case)
    loan = lend(handler, case, device(handler))
    assert not hooks.needs_reassessment(case)
    event = events.record_event(
        handler, loan, occurred_at=timezone.now(), kind="real", outcome="police_on_site"
    )
    follow_up = FollowUp.objects.get(pk=event.follow_up_id)
    assert follow_up.kind == FollowUp.Kind.AFTER_ALARM
    assert follow_up.due_date == date.today() + timedelta(days=2)
    assert hooks.needs_reassessment(case)
    assert "Ny bedömning efter larm" in hooks.case_flags([case.pk])[case.pk]
    final_assessment(handler, case)
    assert not hooks.needs_reassessment(case)


def test_a_test_alarm_plans_nothing(handler, case):
    loan = lend(handler, case, device(handler))
    event = events.record_event(
        handler, loan, occurred_at=timezone.now(), kind="test", outcome="no_need"
    )
    assert event.follow_up is None
    assert not FollowUp.objects.filter(kind=FollowUp.Kind.AFTER_ALARM).exists()
    assert AlarmEvent.objects.count() == 1


def test_case_flags_one_query_for_many_cases(handler, django_assert_num_queries):
    cases = [make_case(handler) for _ in range(3)]
    lend(handler, cases[0], device(handler))
    lend(handler, cases[1], device(handler), assessment_id=final_assessment(handler, cases[1]).pk)
    with django_assert_num_queries(1):
        flags = hooks.case_flags([c.pk for c in cases])
    assert flags == {
        cases[0].pk: ["Larm utlånat (utan strukturerad bedömning)"],
        cases[1].pk: ["Larm utlånat"],
    }


def test_a_closed_case_lends_nothing(handler, case):
    from cases.models import ProtectionCase

    row = device(handler)
    ProtectionCase.objects.filter(pk=case.pk).update(status="closed")
    with pytest.raises((CaseClosed, NotAllowed)):
        lend(handler, case, row)


def test_query_helpers_for_notification_rules(handler, case):
    loan = lend(handler, case, device(handler))
    Loan.objects.filter(pk=loan.pk).update(
        started_on=date.today() - timedelta(days=100), review_on=date.today() - timedelta(days=1)
    )
    assert list(services.loans_review_overdue()) == [Loan.objects.get(pk=loan.pk)]
    assert services.loans_review_due(within_days=0).count() == 1
    assert services.loans_past_dates().count() == 1
    assert services.unreturned_loans().count() == 0
    assert case_access(handler, case).is_police


def test_loan_journal_events_are_structured_and_read_in_the_readers_language(handler, case):
    from django.utils import translation

    from cases import journal

    with translation.override("en"):  # the lender uses English
        loan = lend(handler, case, device(handler))
        loans.acknowledge(handler, loan, on=date.today(), expected_version=loan.version)
    lent = JournalEntry.objects.get(case=case, event="alarm_lent")
    assert lent.params == {
        "kind": loan.device.kind.name,
        "role": "protected",
        "date": loan.review_on.isoformat(),
        "basis": True,
    }
    assert lent.text.startswith("Larm utlånat: ") and "utan strukturerad bedömning" in lent.text
    receipt = JournalEntry.objects.get(case=case, event="alarm_acknowledged")
    with translation.override("sv"):
        assert journal.render(lent).startswith("Larm utlånat: ")
        assert journal.render(receipt) == "Kvittens av larminstruktioner registrerad."
    with translation.override("en"):
        assert journal.render(lent).startswith("Alarm lent: ")
        assert "without a structured assessment" in journal.render(lent)
        assert journal.render(receipt) == "Receipt of the alarm instructions recorded."
