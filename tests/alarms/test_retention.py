"""The retention purge keeps a device's loan history with the case reference only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from alarms import events, loans
from alarms.models import AlarmEvent, Device, Loan, LoanDecision
from cases.casework import services as casework
from cases.casework.retention import purge_expired
from cases.models import FollowUp, Person, ProtectionCase, PurgeProtocol
from tests.alarms.helpers import device, lend
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_purge_cuts_the_loan_from_the_case_and_its_persons_and_keeps_the_reference(handler):
    case = make_case(handler)
    person_id = case.participants.get(role="protected").person_id
    row = device(handler)
    loan = lend(handler, case, row, reason="Skyddspersonen Anna är rädd")
    events.record_event(
        handler,
        loan,
        occurred_at=timezone.now(),
        kind="real",
        outcome="phone_contact",
        note="Anna ringde",
    )
    loan.refresh_from_db()
    loans.end_loan(
        handler, loan, expected_version=loan.version, condition="good", note="Anna lämnade"
    )
    FollowUp.objects.filter(case=case, done_on__isnull=True).update(done_on=timezone.localdate())
    casework.close_case(handler, case, reason="threat_gone", final_note="Klart")
    reference = case.reference

    with time_machine.travel(timezone.now() + timedelta(days=5 * 365 + 2)):
        protocols = purge_expired(run_by="test")
    assert [p.case_reference for p in protocols] == [reference]
    assert not ProtectionCase.objects.filter(reference=reference).exists()
    assert not Person.objects.filter(pk=person_id).exists()

    kept = Loan.objects.get(pk=loan.pk)
    assert kept.case_reference == reference
    assert kept.case_id is None and kept.carrier_id is None and kept.end_note == ""
    assert set(Loan.history.filter(id=loan.pk).values_list("carrier_id", flat=True)) == {None}
    assert set(Loan.history.filter(id=loan.pk).values_list("case_id", flat=True)) == {None}
    assert not Loan.history.filter(id=loan.pk).exclude(end_note="").exists()
    decision = LoanDecision.objects.get(loan=kept)
    assert "Anna" not in decision.reason and decision.without_assessment
    assert AlarmEvent.objects.get(loan=kept).note == ""
    assert not AlarmEvent.history.filter(loan_id=kept.pk).exclude(note="").exists()
    assert Device.objects.get(pk=row.pk).history.count() >= 3  # the device's history stays
    assert (
        PurgeProtocol.objects.get(case_reference=reference).counts[
            "alarms.Loan (kopplingar borttagna)"
        ]
        == 1
    )
