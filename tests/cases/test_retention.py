"""Gallring: closed cases past retention are purged (time travel), legal holds stop it,
the protocol keeps references and counts only, the access log keeps the reference."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases import access
from cases.casework import services
from cases.casework.retention import due_for_purge, purge_expired
from cases.models import (
    AccessLogEntry,
    ContactBan,
    FollowUp,
    JournalEntry,
    LegalHold,
    MeasureKind,
    Participant,
    Person,
    ProtectionCase,
    ProtectionPlan,
    ProtectiveMeasure,
    PurgeProtocol,
    RetentionPolicy,
    SecretDwelling,
    SupportInformation,
    SupportOrganisation,
)
from cases.tasks import purge_expired_cases
from riskassessment.models import Assessment, Instrument
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db

RETENTION_DAYS = 5 * 365  # the default policy from migration 0004


def closed_case_with_everything(handler, koping, social):
    """A case with work in every part, closed through the service."""
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    roles = {p.role: p for p in case.participants.select_related("person")}
    ProtectiveMeasure.objects.create(
        case=case,
        kind=MeasureKind.objects.first(),
        responsible_party="police",
        status="ended",
    )
    ContactBan.objects.create(
        case=case,
        ban_type="ordinary",
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
    )
    FollowUp.objects.create(
        case=case,
        kind="conversation",
        due_date=timezone.localdate(),
        done_on=timezone.localdate(),
        outcome="Klart",
    )
    SupportInformation.objects.create(
        case=case,
        participant=roles["protected"],
        organisation=SupportOrganisation.objects.first(),
        informed_on=timezone.localdate(),
    )
    Assessment.objects.create(
        case=case,
        instrument=Instrument.objects.first(),
        organisation=case.unit,
        assessor=handler,
        assessed_on=timezone.localdate(),
    )
    ProtectionPlan.objects.create(case=case, number=1, police_commitments="Polisen åtar sig")
    SecretDwelling.objects.create(
        case=case, person=roles["protected"].person, description="Skyddat boende", address="x"
    )
    access.get_case_for_user(handler, case.key)  # a read in the access log
    services.close_case(handler, case, reason="threat_gone", final_note="Hotet är över.")
    case.refresh_from_db()
    return case, roles


def test_purge_after_retention_removes_the_case_its_persons_and_keeps_the_protocol(
    handler, koping, social
) -> None:
    case, roles = closed_case_with_everything(handler, koping, social)
    shared_person = roles["protected"].person
    other = make_case(handler, protected=shared_person)  # the person is in another case too
    threat_actor = roles["threat_actor"].person
    reference, case_pk = case.reference, case.pk

    with time_machine.travel(timezone.now() + timedelta(days=RETENTION_DAYS - 1)):
        assert purge_expired(run_by="test") == []
    assert ProtectionCase.objects.filter(pk=case_pk).exists()

    with time_machine.travel(timezone.now() + timedelta(days=RETENTION_DAYS + 1)):
        protocols = purge_expired(run_by="test")

    assert [p.case_reference for p in protocols] == [reference]
    assert not ProtectionCase.objects.filter(pk=case_pk).exists()
    assert not ProtectionCase.history.filter(id=case_pk).exists()
    assert not Participant.objects.filter(case_id=case_pk).exists()
    assert not JournalEntry.objects.filter(case_id=case_pk).exists()
    assert not Assessment.objects.filter(case_id=case_pk).exists()
    assert not ContactBan.objects.filter(case_id=case_pk).exists()
    assert not ProtectionPlan.objects.filter(case_id=case_pk).exists()
    assert not SecretDwelling.objects.filter(case_id=case_pk).exists()
    assert not Person.objects.filter(pk=threat_actor.pk).exists()
    assert not Person.history.filter(id=threat_actor.pk).exists()
    assert Person.objects.filter(pk=shared_person.pk).exists()  # still in the other case
    assert ProtectionCase.objects.filter(pk=other.pk).exists()

    protocol = PurgeProtocol.objects.get()
    assert protocol.case_reference == reference and protocol.run_by == "test"
    assert protocol.closed_on == case.closed_on
    assert protocol.counts["cases.ProtectionCase"] == 1
    assert protocol.counts["cases.Person"] == 1
    assert protocol.counts["riskassessment.Assessment"] == 1
    assert protocol.counts["cases.JournalEntry"] >= 2
    text = str(protocol.counts)
    for person in (shared_person, threat_actor):
        assert person.last_name not in text and person.first_name not in text

    # The access log still has the read, by reference (and the bare id, never updated).
    log = AccessLogEntry.objects.filter(case_reference=reference)
    assert log.exists() and all(entry.case_id == case_pk for entry in log)


def test_a_case_under_legal_hold_stays_and_running_twice_is_safe(
    handler, head, koping, social
) -> None:
    held, _roles = closed_case_with_everything(handler, koping, social)
    services.set_legal_hold(head, held, reason="Pågående rättegång", expected_version=0)
    free = make_case(handler)
    services.close_case(handler, free, reason="moved", final_note="Flyttat.")

    with time_machine.travel(timezone.now() + timedelta(days=RETENTION_DAYS + 10)):
        first = purge_expired(run_by="test")
        second = purge_expired(run_by="test")
    assert [p.case_reference for p in first] == [free.reference]
    assert second == []
    assert PurgeProtocol.objects.count() == 1
    assert ProtectionCase.objects.filter(pk=held.pk).exists()

    # Once the hold is lifted the case goes on the next run.
    services.remove_legal_hold(head, held)
    with time_machine.travel(timezone.now() + timedelta(days=RETENTION_DAYS + 11)):
        assert [p.case_reference for p in purge_expired(run_by="test")] == [held.reference]


def test_open_and_reopened_cases_are_never_purged(handler, head) -> None:
    open_case = make_case(handler)
    reopened = make_case(handler)
    services.close_case(handler, reopened, reason="moved", final_note="x")
    services.reopen_case(head, reopened, reason="Nytt hot")
    with time_machine.travel(timezone.now() + timedelta(days=RETENTION_DAYS * 3)):
        assert purge_expired(run_by="test") == []
    assert ProtectionCase.objects.filter(pk__in=[open_case.pk, reopened.pk]).count() == 2


def test_retention_period_is_configured_per_organisation_kind(handler) -> None:
    case = make_case(handler)
    services.close_case(handler, case, reason="moved", final_note="x")
    RetentionPolicy.objects.filter(organisation_kind="police").update(retention_days=30)
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert not due_for_purge().exists()
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert list(due_for_purge()) == [case]
    RetentionPolicy.objects.all().delete()  # no policy: never purged
    with time_machine.travel(timezone.now() + timedelta(days=RETENTION_DAYS * 3)):
        assert not due_for_purge().exists()


def test_command_and_task_purge_the_same_way(handler, capsys) -> None:
    first = make_case(handler)
    second = make_case(handler)
    for case in (first, second):
        services.close_case(handler, case, reason="moved", final_note="x")
    with time_machine.travel(timezone.now() + timedelta(days=RETENTION_DAYS + 1)):
        call_command("purge_cases", "--dry-run")
        assert "2 ärenden skulle gallras" in capsys.readouterr().out
        assert ProtectionCase.objects.count() == 2
        call_command("purge_cases")
        assert "2 ärenden gallrade" in capsys.readouterr().out
        assert purge_expired_cases() == 0  # nothing left: safe to run again
    assert set(PurgeProtocol.objects.values_list("run_by", flat=True)) == {"kommandot purge_cases"}


def test_purge_task_is_scheduled_nightly() -> None:
    from skydd.celery import app

    entry = app.conf.beat_schedule["purge-expired-cases"]
    assert entry["task"] == "cases.tasks.purge_expired_cases"
    assert "args" not in entry  # tasks take no personal data, here no arguments at all


def test_legal_hold_is_kept_in_the_database(handler, head) -> None:
    case = make_case(handler)
    services.set_legal_hold(head, case, reason="Begäran från JO", expected_version=0)
    services.set_legal_hold(head, case, reason="Begäran från JO, ny dag", expected_version=1)
    assert LegalHold.objects.get(case=case).reason == "Begäran från JO, ny dag"
