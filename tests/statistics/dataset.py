"""A hand-built data set for the statistics tests; the expected figures are in the tests.

Today is 2026-04-15 (Europe/Stockholm); the period under test is March 2026, the previous
one February 2026. Rows are written with the ORM so that every date is exactly what the
test says; the one case opened through the service is opened at 23:30 on 31 March local
time (21:30 UTC) to pin the period boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import time_machine
from guardian.shortcuts import assign_perm

from accounts.models import Membership, Organisation, User
from cases import services
from cases.models import (
    BreakGlassAccess,
    ContactBan,
    ContactBanBreach,
    Disclosure,
    FollowUp,
    Participant,
    PlanConfirmation,
    ProtectionCase,
    ProtectionPlan,
    SupportInformation,
    SupportOrganisation,
)
from riskassessment.models import Assessment, Instrument
from tests.factories import PersonFactory, UserFactory

STHLM = ZoneInfo("Europe/Stockholm")
TODAY = datetime(2026, 4, 15, 12, 0, tzinfo=STHLM)
_numbers = count(1)


def at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=STHLM)


UTC = ZoneInfo("UTC")


def case(
    unit: Organisation,
    opened: date,
    category: str,
    closed: date | None = None,
    handler: User | None = None,
) -> ProtectionCase:
    n = next(_numbers)
    c = ProtectionCase.objects.create(
        unit=unit,
        year=opened.year,
        number=n + 1000,
        reference=f"{unit.reference_prefix}-{opened.year}-{n + 1000:05d}",
        category=category,
        opened_on=opened,
        closed_on=closed,
        status=ProtectionCase.Status.CLOSED if closed else ProtectionCase.Status.OPEN,
    )
    for role in (Participant.Role.PROTECTED, Participant.Role.THREAT_ACTOR):
        Participant.objects.create(case=c, person=PersonFactory(), role=role)
    if handler:
        assign_perm("cases.view_protectioncase", handler, c)
    return c


def assessment(
    c: ProtectionCase,
    org: Organisation,
    assessor: User,
    code: str,
    finalised: datetime,
    next_due: date | None = None,
    previous: Assessment | None = None,
) -> Assessment:
    return Assessment.objects.create(
        case=c,
        instrument=Instrument.objects.get(code=code, version="1"),
        organisation=org,
        assessor=assessor,
        status=Assessment.Status.FINAL,
        assessed_on=finalised.astimezone(STHLM).date(),
        finalised_at=finalised,
        next_reassessment_on=next_due,
        previous=previous,
    )


@dataclass
class Data:
    cases: dict[str, ProtectionCase] = field(default_factory=dict)


def build(unit_a, unit_b, koping, sala, handler, head, social) -> Data:
    d = Data()
    Cat = ProtectionCase.Category
    heavy = UserFactory(email="heavy@polis.test")
    Membership.objects.create(user=heavy, organisation=unit_a, role=Membership.Role.HANDLER)

    with time_machine.travel(datetime(2026, 3, 31, 21, 30, tzinfo=UTC), tick=False):
        c3 = services.create_case(handler, unit=unit_a, category=Cat.STALKING)
    c1 = case(unit_a, date(2026, 3, 2), Cat.CLOSE_RELATIONSHIP, handler=handler)
    c2 = case(unit_a, date(2026, 3, 5), Cat.HONOUR, closed=date(2026, 3, 25))
    for role in (Participant.Role.PROTECTED, Participant.Role.THREAT_ACTOR):
        Participant.objects.create(case=c3, person=PersonFactory(), role=role)
    c4 = case(unit_a, date(2026, 2, 10), Cat.CLOSE_RELATIONSHIP, closed=date(2026, 3, 12))
    c5 = case(unit_a, date(2026, 1, 5), Cat.OTHER, handler=handler)
    c6 = case(unit_a, date(2026, 2, 20), Cat.WITNESS, closed=date(2026, 2, 28))
    for _ in range(12):
        case(unit_a, date(2025, 6, 1), Cat.INFORMANT, handler=heavy)
    b1 = case(unit_b, date(2026, 3, 3), Cat.CLOSE_RELATIONSHIP)
    d.cases = {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "c6": c6, "b1": b1}

    # Risk assessments (police), and social services' own assessments either side of midnight.
    assessment(c1, unit_a, handler, "SARA_SV", at(2026, 3, 10), next_due=date(2026, 3, 28))
    assessment(c2, unit_a, handler, "PATRIARK", at(2026, 3, 25))
    first_c4 = assessment(
        c4, unit_a, handler, "SARA_SV", at(2026, 2, 12), next_due=date(2026, 3, 20)
    )
    assessment(c4, unit_a, handler, "SARA_SV", at(2026, 3, 18), previous=first_c4)
    assessment(b1, unit_b, handler, "SARA_SV", at(2026, 3, 4))
    assessment(c3, koping, social, "SARA_SV", datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
    assessment(c1, koping, social, "SARA_SV", datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    assessment(c5, sala, social, "SARA_SV", at(2026, 3, 10))

    # Follow-ups.
    def follow(c, due, done=None, created=at(2026, 1, 10)):
        f = FollowUp.objects.create(
            case=c, kind=FollowUp.Kind.CONVERSATION, due_date=due, done_on=done
        )
        FollowUp.objects.filter(pk=f.pk).update(created_at=created)

    follow(c1, date(2026, 3, 10), date(2026, 3, 9))
    follow(c1, date(2026, 3, 20), date(2026, 3, 22))
    follow(c3, date(2026, 3, 30))
    follow(c5, date(2026, 2, 15), date(2026, 3, 5))
    follow(c5, date(2026, 4, 30), created=at(2026, 3, 1))

    # Kontaktförbud on c1.
    protected = c1.participants.get(role=Participant.Role.PROTECTED)
    threat = c1.participants.get(role=Participant.Role.THREAT_ACTOR)
    G, R, Q = ContactBan.Status.GRANTED, ContactBan.Status.REFUSED, ContactBan.Status.REQUESTED

    def ban(created, status, decided=None, valid=(None, None)):
        b = ContactBan.objects.create(
            case=c1,
            ban_type=ContactBan.BanType.ORDINARY,
            status=status,
            decision_date=decided,
            valid_from=valid[0],
            valid_until=valid[1],
            protected_participant=protected,
            restricted_participant=threat,
        )
        ContactBan.objects.filter(pk=b.pk).update(created_at=created)
        return b

    k1 = ban(at(2026, 3, 3), G, date(2026, 3, 4), (date(2026, 3, 4), date(2026, 4, 20)))
    ban(at(2026, 3, 10), R, date(2026, 3, 11))
    k3 = ban(at(2026, 2, 2), G, date(2026, 2, 3), (date(2026, 2, 3), date(2026, 9, 1)))
    ban(datetime(2026, 3, 31, 22, 30, tzinfo=UTC), Q)
    for b, day in (
        (k1, date(2026, 3, 15)),
        (k1, date(2026, 3, 20)),
        (k3, date(2026, 3, 1)),
        (k3, date(2026, 2, 20)),
    ):
        ContactBanBreach.objects.create(ban=b, occurred_on=day, description="Överträdelse (test)")

    # Disclosures.
    def disclose(c, recipient, basis, created, withdrawn=None, **extra):
        dd = Disclosure.objects.create(
            case=c,
            recipient=recipient,
            legal_basis=basis,
            consent_given_by="Skyddspersonen" if basis == "consent" else "",
            legal_basis_text="Annan grund (test)" if basis == "other" else "",
            valid_from=created.date(),
            withdrawn_at=withdrawn,
            **extra,
        )
        Disclosure.objects.filter(pk=dd.pk).update(created_at=created)

    disclose(c1, koping, "consent", at(2026, 3, 5))
    disclose(c2, koping, "osl_10_2", at(2026, 3, 6))
    disclose(c5, koping, "consent", at(2026, 2, 10), withdrawn=at(2026, 3, 15, 10))
    disclose(c2, sala, "other", at(2026, 3, 7))

    # Break-the-glass, either side of midnight on 31 March (local).
    for when in (
        datetime(2026, 3, 31, 21, 30, tzinfo=UTC),
        datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
        at(2026, 2, 15),
    ):
        g = BreakGlassAccess.objects.create(case=c1, user=handler, reason="Test", expires_at=when)
        BreakGlassAccess.objects.filter(pk=g.pk).update(granted_at=when)

    # Support information: c1's protected person (March), c4's (February); c3: a referral.
    directory = SupportOrganisation.objects.create(name="Jouren (test)", kind="A")
    for c, role, referral in (
        (c1, "protected", False),
        (c4, "protected", False),
        (c3, "threat_actor", True),
    ):
        SupportInformation.objects.create(
            case=c,
            participant=c.participants.get(role=role),
            organisation=directory,
            is_referral=referral,
            informed_on=date(2026, 3, 3),
        )

    # Plans: one agreed in March with Köping's confirmation, one with Sala's.
    for c, org in ((c1, koping), (c2, sala)):
        plan = ProtectionPlan.objects.create(
            case=c,
            number=1,
            status=ProtectionPlan.Status.AGREED,
            snapshot={},
            agreed_at=at(2026, 3, 20),
        )
        user = social if org == koping else head
        PlanConfirmation.objects.create(
            plan=plan,
            party="social",
            user=user,
            user_name="X",
            organisation=org,
            organisation_name=org.name,
            plan_version=plan.version,
        )
    return d
