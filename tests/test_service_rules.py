"""Acceptance (issue 9): every public service that changes a case applies the case's rules
itself – not only the view in front of it.

The services are DISCOVERED: every public function of the service packages whose first
parameter is ``actor`` changes something. Each needs an entry in ``CALLS`` below (how to call
it with valid input), so a new service cannot slip past these tests: the discovery test
fails until it is listed. For each:

- on a closed case it raises ``cases.errors.CaseClosed`` (the few that exist for closed
  cases – reopening, legal hold, withdrawing a disclosure – are listed in ``FOR_CLOSED``);
- for an actor who may read the case but not change it (a unit colleague who broke the
  glass) it raises ``cases.errors.NotAllowed``;
- and in both cases no row of any table of the case apps is written or changed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from alarms import events as alarm_events
from alarms import loans as alarm_loans
from alarms.models import AlarmEvent
from cases import access, errors
from cases import services as case_services
from cases.casework import services as casework
from cases.models import (
    CaseClosure,
    ContactBan,
    FollowUp,
    MeasureKind,
    Participant,
    Party,
    ProtectionCase,
    SupportOrganisation,
)
from cases.plan import services as plan
from cases.sharing import services as sharing
from riskassessment import services as risk
from tests.alarms.helpers import device, lend
from tests.factories import make_case, make_disclosure
from tests.riskassessment.helpers import complete_input, final_assessment, instrument, sara

pytestmark = pytest.mark.django_db

# alarms.loans and alarms.events change a case (its loans, measure, follow-ups, journal);
# alarms.services changes devices of a unit, not a case.
SERVICE_MODULES: list[ModuleType] = [
    case_services,
    casework,
    sharing,
    plan,
    risk,
    alarm_loans,
    alarm_events,
]
# Services that create a case rather than change one: refused for a non-member elsewhere
# (tests/cases/test_intake.py); there is no closed case to refuse.
# Folding duplicate persons is a maintenance run over all persons (tests/cases/test_identity.py).
NOT_ON_A_CASE = {"create_case", "open_case", "merge_duplicates"}
# Services meant for closed cases: reopening, legal hold, withdrawing a disclosure, the one
# note after closing (its own tests: tests/cases/test_closing_ends_sharing.py).
FOR_CLOSED = {
    "reopen_case",
    "set_legal_hold",
    "remove_legal_hold",
    "withdraw_disclosure",
    "add_closing_note",
}
TODAY = timezone.localdate


def discovered() -> set[str]:
    names = set()
    for module in SERVICE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or not function.__module__.startswith(module.__name__):
                continue
            params = list(inspect.signature(function).parameters)
            if params and params[0] == "actor":
                names.add(name)
    return names


class World:
    """One case with something of everything in it, made through the services."""

    def __init__(self, handler, head, colleague, social_head, social, koping) -> None:
        self.handler, self.head, self.colleague = handler, head, colleague
        self.social_head, self.social = social_head, social
        case = make_case(handler)
        self.case = case
        self.disclosure = make_disclosure(case, koping, handlers=[social])
        self.koping = koping
        roles = {p.role: p for p in case.participants.all()}
        self.protected = roles[Participant.Role.PROTECTED]
        self.threat_actor = roles[Participant.Role.THREAT_ACTOR]
        self.relative = case_services.add_participant(
            handler,
            case,
            role=Participant.Role.RELATIVE,
            person_data={"first_name": "Anhörig", "last_name": "Test"},
        )
        case_services.assign_handler(handler, case, head)
        self.kind = MeasureKind.objects.get(code="skyddslarm")
        self.measure = casework.add_measure(handler, case, kind=self.kind)
        self.ban = casework.add_contact_ban(
            handler,
            case,
            ban_type=ContactBan.BanType.values[0],
            protected_participant=self.protected,
            restricted_participant=self.threat_actor,
        )
        self.follow_up = casework.add_follow_up(
            handler, case, kind=FollowUp.Kind.CONVERSATION, due_date=TODAY() + timedelta(days=7)
        )
        self.dwelling = case_services.add_dwelling(
            handler,
            case,
            self.protected.person,
            {"description": "Skyddat boende", "address": "Hemlig gata 1"},
        )
        self.plan = plan.start_version(handler, case)
        self.final = final_assessment(handler, case, instrument("CHECK10"))
        draft, _ = risk.start_assessment(handler, case, instrument=sara())
        self.draft = risk.save_draft(
            handler,
            draft,
            data=complete_input(risk.load_structure(sara())),
            expected_version=draft.version,
        )
        self.organisation = SupportOrganisation.objects.filter(active=True).first()
        self.loan = lend(handler, case, device(handler))
        self.measure.refresh_from_db()  # lending activated the planned alarm measure
        self.spare_device = device(handler)
        access.break_the_glass(colleague, case, reason="Skyddspersonen ringde")


Call = Callable[[Any, World], Any]

CALLS: dict[str, Call] = {
    # cases.services
    "update_case": lambda actor, w: case_services.update_case(
        actor,
        w.case,
        version=w.case.version,
        category="other",
        threat_picture="x",
        restricted=False,
    ),
    "update_person": lambda actor, w: case_services.update_person(
        actor,
        w.case,
        w.protected.person,
        version=w.protected.person.version,
        contact_version=w.protected.contact_version,
        data={"first_name": "Ny", "last_name": "Person"},
    ),
    "add_participant": lambda actor, w: case_services.add_participant(
        actor,
        w.case,
        role=Participant.Role.RELATIVE,
        person_data={"first_name": "A", "last_name": "B"},
    ),
    "remove_participant": lambda actor, w: case_services.remove_participant(
        actor, w.case, w.relative
    ),
    "add_dwelling": lambda actor, w: case_services.add_dwelling(
        actor, w.case, w.protected.person, {"description": "Nytt", "address": "Gatan 2"}
    ),
    "remove_dwelling": lambda actor, w: case_services.remove_dwelling(actor, w.case, w.dwelling),
    "add_journal_entry": lambda actor, w: case_services.add_journal_entry(
        actor, w.case, occurred_on=TODAY(), text="Anteckning", visibility="police"
    ),
    "assign_handler": lambda actor, w: case_services.assign_handler(actor, w.case, w.head),
    "unassign_handler": lambda actor, w: case_services.unassign_handler(actor, w.case, w.handler),
    # case work
    "add_measure": lambda actor, w: casework.add_measure(actor, w.case, kind=w.kind),
    "update_measure": lambda actor, w: casework.update_measure(
        actor,
        w.measure,
        expected_version=w.measure.version,
        kind=w.kind,
        responsible_party=Party.POLICE,
        status="active",
        start_date=None,
        end_date=None,
        note="ändrad",
    ),
    "set_measure_status": lambda actor, w: casework.set_measure_status(
        actor, w.measure, "declined", expected_version=w.measure.version
    ),
    "add_contact_ban": lambda actor, w: casework.add_contact_ban(
        actor,
        w.case,
        ban_type=ContactBan.BanType.values[0],
        protected_participant=w.protected,
        restricted_participant=w.threat_actor,
    ),
    "update_contact_ban": lambda actor, w: casework.update_contact_ban(
        actor,
        w.ban,
        expected_version=w.ban.version,
        ban_type=w.ban.ban_type,
        electronic_monitoring=False,
        status=w.ban.status,
        decision_date=None,
        deciding_body="",
        valid_from=None,
        valid_until=None,
        protected_participant=w.protected,
        restricted_participant=w.threat_actor,
        note="x",
    ),
    "add_breach": lambda actor, w: casework.add_breach(
        actor, w.ban, occurred_on=TODAY(), description="Ringde"
    ),
    "add_follow_up": lambda actor, w: casework.add_follow_up(
        actor, w.case, kind=FollowUp.Kind.OTHER, due_date=TODAY() + timedelta(days=3)
    ),
    "update_follow_up": lambda actor, w: casework.update_follow_up(
        actor,
        w.follow_up,
        expected_version=w.follow_up.version,
        kind=w.follow_up.kind,
        due_date=w.follow_up.due_date,
        responsible_party=Party.POLICE,
        assignee=None,
        note="x",
    ),
    "complete_follow_up": lambda actor, w: casework.complete_follow_up(
        actor,
        w.follow_up,
        expected_version=w.follow_up.version,
        done_on=TODAY(),
        outcome="Klart",
    ),
    "record_support_information": lambda actor, w: casework.record_support_information(
        actor,
        w.case,
        participants=[w.protected],
        organisations=[w.organisation],
        informed_on=TODAY(),
        may_contact=True,
    ),
    "plan_from_assessment": lambda actor, w: casework.plan_from_assessment(
        actor,
        w.case,
        kinds=[w.kind],
        instrument="SARA",
        assessed_on=TODAY(),
        reassess_on=TODAY() + timedelta(days=30),
        party=Party.POLICE,
    ),
    "close_case": lambda actor, w: casework.close_case(
        actor, w.case, reason=CaseClosure.Reason.THREAT_GONE, final_note="Klart"
    ),
    "reopen_case": lambda actor, w: casework.reopen_case(actor, w.case, reason="Nytt hot"),
    "set_legal_hold": lambda actor, w: casework.set_legal_hold(
        actor, w.case, reason="Tvist", expected_version=0
    ),
    "add_closing_note": lambda actor, w: casework.add_closing_note(actor, w.case, text="Efteråt"),
    "remove_legal_hold": lambda actor, w: casework.remove_legal_hold(actor, w.case),
    # sharing
    "create_disclosure": lambda actor, w: sharing.create_disclosure(
        actor,
        w.case,
        recipient=w.koping,
        legal_basis="osl_10_2",
        scopes={"scope_persons"},
        valid_from=TODAY(),
    ),
    "withdraw_disclosure": lambda actor, w: sharing.withdraw_disclosure(
        actor, w.disclosure, "Samtycket återkallat"
    ),
    "set_disclosure_handlers": lambda actor, w: sharing.set_disclosure_handlers(
        actor, w.disclosure, []
    ),
    # the plan
    "start_version": lambda actor, w: plan.start_version(actor, w.case),
    "update_texts": lambda actor, w: plan.update_texts(
        actor, w.plan, expected_version=w.plan.version, changes={"threat_text": "Ny"}
    ),
    "confirm": lambda actor, w: plan.confirm(actor, w.plan, expected_version=w.plan.version),
    # risk assessment
    "start_assessment": lambda actor, w: risk.start_assessment(
        actor, w.case, instrument=risk.active_instruments().get(code="SAM")
    ),
    "start_reassessment": lambda actor, w: risk.start_reassessment(actor, w.final),
    "save_draft": lambda actor, w: risk.save_draft(
        actor, w.draft, data=risk.AssessmentInput(notes="x"), expected_version=w.draft.version
    ),
    "finalise": lambda actor, w: risk.finalise(actor, w.draft, expected_version=w.draft.version),
    "discard_draft": lambda actor, w: risk.discard_draft(
        actor, w.draft, expected_version=w.draft.version
    ),
    # alarm loans
    "lend": lambda actor, w: alarm_loans.lend(
        actor,
        w.case,
        device=w.spare_device,
        carrier=w.protected,
        started_on=TODAY(),
        reason="Akut hot",
    ),
    "review": lambda actor, w: alarm_loans.review(
        actor,
        w.loan,
        expected_version=w.loan.version,
        review_on=TODAY() + timedelta(days=30),
        reason="Fortsatt hot",
    ),
    "end_loan": lambda actor, w: alarm_loans.end_loan(
        actor, w.loan, expected_version=w.loan.version, condition="good"
    ),
    "acknowledge": lambda actor, w: alarm_loans.acknowledge(
        actor, w.loan, on=TODAY(), expected_version=w.loan.version
    ),
    "record_event": lambda actor, w: alarm_events.record_event(
        actor,
        w.loan,
        occurred_at=timezone.now(),
        kind=AlarmEvent.Kind.TEST,
        outcome=AlarmEvent.Outcome.NO_NEED,
    ),
}
# Who may make the change on an open case (the closed leg must fail on the case, not on
# the actor): the responsible handler, except where only the recipient's head may.
CLOSED_ACTOR = {"set_disclosure_handlers": "social_head"}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the case apps, with every field: nothing may be written or changed."""
    rows = {}
    for app in ("cases", "riskassessment", "alarms", "guardian"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.label == "cases.AccessLogEntry":
                continue  # reads are logged; the services under test read with log=False
            rows[model._meta.label] = sorted(model.objects.values_list(), key=repr)
    return rows


@pytest.fixture
def world(handler, head, colleague, social_head, social, koping) -> World:
    return World(handler, head, colleague, social_head, social, koping)


def test_every_mutating_service_is_listed() -> None:
    found = discovered()
    assert found - NOT_ON_A_CASE - set(CALLS) == set(), "add the new service to CALLS"
    assert set(CALLS) - found == set(), "CALLS names a service that no longer exists"


@pytest.mark.parametrize("name", sorted(set(CALLS) - FOR_CLOSED))
def test_a_closed_case_refuses_every_change(world: World, name: str) -> None:
    ProtectionCase.objects.filter(pk=world.case.pk).update(status=ProtectionCase.Status.CLOSED)
    actor = getattr(world, CLOSED_ACTOR.get(name, "handler"))
    before = snapshot()
    with pytest.raises(errors.CaseClosed):
        CALLS[name](actor, world)
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_read_only_reader_may_change_nothing(world: World, name: str) -> None:
    before = snapshot()
    with pytest.raises(errors.NotAllowed):
        CALLS[name](world.colleague, world)
    assert snapshot() == before


# close_case is blocked by the open follow-up and start_version by the draft in the world:
# both succeed in their own tests (test_casework_closing.py, test_plan_services.py).
@pytest.mark.parametrize("name", sorted(set(CALLS) - FOR_CLOSED - {"close_case", "start_version"}))
def test_the_same_calls_succeed_for_the_right_actor(world: World, name: str) -> None:
    """The calls above are valid: on an open case the right actor gets through (so the
    refusals are the rules, not a broken call)."""
    actor = getattr(world, CLOSED_ACTOR.get(name, "handler"))
    before = snapshot()
    CALLS[name](actor, world)
    assert snapshot() != before
