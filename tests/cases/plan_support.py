"""A case with everything a plan fills in, and sentinel strings planted where a reader
outside the scope must never see them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Organisation, User
from cases.access import CaseAccess, get_case_for_user
from cases.models import (
    FollowUp,
    JournalEntry,
    MeasureKind,
    Participant,
    Party,
    Person,
    ProtectionCase,
    ProtectiveMeasure,
    SecretDwelling,
)
from riskassessment.models import (
    Assessment,
    FactorRating,
    Instrument,
    SummaryJudgement,
    SummaryJudgementDefinition,
)
from tests.factories import PersonFactory, make_case, make_disclosure

# Persons and contact details (scope_persons).
NAME = "Qvistborg"
PNR = "19790314-2389"
PHONE = "070-987 65 43"
ADDRESS = "Sentinelgränd 17"
CHILD_NAME = "Ylvaberta"
# Never printed for anyone: skyddad folkbokföring.
SUPPRESSED_ADDRESS = "Doldaallén 3"
# Secret dwellings: one disclosable (scope_secret_dwelling), one known only to assigned police.
DWELLING = "Hemligavägen 99"
POLICE_ONLY_DWELLING = "Polisstigen 5"
# Risk (scope_risk_summary / scope_risk_full): the method's name appears only with the scope.
INSTRUMENT = "SARA:SV"
# Never in any plan, for anyone: the case's own threat picture and police-internal material.
THREAT_PICTURE = "SENTINELHOTBILD"
JOURNAL = "SENTINELJOURNAL"
MEASURE_NOTE = "SENTINELATGARDSNOTERING"
STATEMENT = "SENTINELUTLATANDE"
FOLLOW_UP_NOTE = "SENTINELUPPFOLJNINGSNOTERING"
ASSESSMENT_TEXT = "SENTINELANALYS"
# Measures and follow-ups (scope_measures).
MEASURE = "Skyddslarm/larmtelefon"
FOLLOW_UP = "Översyn av åtgärder"

NEVER_IN_A_PLAN = [
    SUPPRESSED_ADDRESS,
    THREAT_PICTURE,
    JOURNAL,
    MEASURE_NOTE,
    STATEMENT,
    FOLLOW_UP_NOTE,
    ASSESSMENT_TEXT,
]


@dataclass
class RichCase:
    case: ProtectionCase
    protected: Person
    child: Person


def rich_case(handler: User) -> RichCase:
    """A case with persons (one with skyddad folkbokföring), both kinds of secret dwelling,
    a final assessment, measures and follow-ups, all carrying sentinels."""
    protected = PersonFactory(
        first_name="Zelmira",
        last_name=NAME,
        personnummer=PNR,
        protection=Person.Protection.SEKRETESSMARKERING,
    )
    case = make_case(
        handler,
        threat_picture=THREAT_PICTURE,
        protected=protected,
        protected_contact={"phone": PHONE, "street_address": ADDRESS},
    )
    child = PersonFactory(
        first_name=CHILD_NAME,
        last_name=NAME,
        protection=Person.Protection.SKYDDAD_FOLKBOKFORING,
    )
    Participant.objects.create(
        case=case, person=child, role=Participant.Role.CHILD, street_address=SUPPRESSED_ADDRESS
    )
    SecretDwelling.objects.create(
        case=case, person=protected, description="Tillfälligt hemligt boende", address=DWELLING
    )
    SecretDwelling.objects.create(
        case=case,
        person=protected,
        description="Skyddat boende",
        address=POLICE_ONLY_DWELLING,
        police_only=True,
    )
    SecretDwelling.objects.create(  # ended: never shown
        case=case,
        person=protected,
        description="Tidigare boende",
        address="Gamlavägen 1",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    JournalEntry.objects.create(case=case, occurred_on=date.today(), text=JOURNAL)

    unit = case.unit
    instrument = Instrument.objects.get(code="SARA_SV")
    assessment = Assessment.objects.create(
        case=case,
        instrument=instrument,
        organisation=unit,
        assessor=handler,
        status=Assessment.Status.FINAL,
        assessed_on=date.today(),
        finalised_at=timezone.now(),
        notes=ASSESSMENT_TEXT,
    )
    for definition in instrument.summary_definitions.all():
        SummaryJudgement.objects.create(
            assessment=assessment, definition=definition, level="high", text=ASSESSMENT_TEXT
        )
    factor_definition = instrument.parts.first().factors.first()
    FactorRating.objects.create(
        assessment=assessment,
        factor=factor_definition,
        time_frame="current",
        rating="J",
        evidence=ASSESSMENT_TEXT,
    )
    intelligence = Assessment.objects.create(
        case=case,
        instrument=Instrument.objects.get(code="HOTBILD"),
        organisation=unit,
        assessor=handler,
        status=Assessment.Status.FINAL,
        assessed_on=date.today(),
        finalised_at=timezone.now(),
    )
    for definition in intelligence.instrument.summary_definitions.all():
        is_level = definition.kind == SummaryJudgementDefinition.Kind.LEVEL
        SummaryJudgement.objects.create(
            assessment=intelligence,
            definition=definition,
            level="medium" if is_level else "",
            text="" if is_level else ASSESSMENT_TEXT,
        )

    ProtectiveMeasure.objects.create(
        case=case,
        kind=MeasureKind.objects.get(code="skyddslarm"),
        responsible_party=Party.POLICE,
        status=ProtectiveMeasure.Status.ACTIVE,
        start_date=date.today(),
        note=MEASURE_NOTE,
    )
    ProtectiveMeasure.objects.create(
        case=case,
        kind=MeasureKind.objects.get(code="skyddade-personuppgifter"),
        responsible_party=Party.POLICE,
        status=ProtectiveMeasure.Status.PLANNED,
        statement_text=STATEMENT,
    )
    ProtectiveMeasure.objects.create(  # ended: not in the plan
        case=case,
        kind=MeasureKind.objects.get(code="medling"),
        responsible_party=Party.POLICE,
        status=ProtectiveMeasure.Status.ENDED,
    )
    FollowUp.objects.create(
        case=case,
        kind=FollowUp.Kind.MEASURES_REVIEW,
        due_date=date.today() + timedelta(days=14),
        note=FOLLOW_UP_NOTE,
    )
    FollowUp.objects.create(  # done: not in the plan
        case=case,
        kind=FollowUp.Kind.CONVERSATION,
        due_date=date.today() - timedelta(days=3),
        done_on=date.today() - timedelta(days=3),
        outcome=FOLLOW_UP_NOTE,
    )
    return RichCase(case=case, protected=protected, child=child)


def disclose(case: ProtectionCase, recipient: Organisation, user: User, **scope: bool) -> None:
    make_disclosure(case, recipient, handlers=[user], **scope)


def access_for(user: User, case: ProtectionCase) -> CaseAccess:
    return get_case_for_user(user, case.key, log=False)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def part_text(plan: object) -> str:
    """The social-services part of a plan version with one recipient ("" if unwritten)."""
    from cases.models import PlanPart

    texts = list(PlanPart.objects.filter(plan=plan).values_list("text", flat=True))
    assert len(texts) <= 1, "more than one recipient: name the organisation"
    return texts[0] if texts else ""
