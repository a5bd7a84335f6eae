"""Fictional demo assessments on the demo cases (run by ``manage.py seed_demo``).

Goes through the existing cases (the cases demo makes them; with none there is nothing to
do), and gives each case without an assessment a final assessment with the instrument that
fits its category, made through the same services as the form. The first case also gets an
older assessment, so that the history and the comparison have something to show.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, User
from cases import access
from cases.models import MeasureKind, ProtectionCase
from cases.services import responsible_handlers
from riskassessment import services
from riskassessment.models import Assessment, Instrument, Level, SummaryJudgementDefinition

MAX_CASES = 8
INSTRUMENT_BY_CATEGORY = {
    ProtectionCase.Category.CLOSE_RELATIONSHIP: "SARA_SV",
    ProtectionCase.Category.STALKING: "SAM",
    ProtectionCase.Category.HONOUR: "PATRIARK",
}
EVIDENCE = [
    "(demo) Uppgift från förhör med skyddspersonen.",
    "(demo) Enligt polisanmälan och tidigare ärenden.",
    "(demo) Skyddspersonen berättar om händelser under senaste månaden.",
    "(demo) Uppgift från socialtjänsten efter samtycke.",
    "",
    "",
]
DEMO_MEASURES = ["skyddslarm", "kontaktforbud", "informations-sakerhetssamtal"]


def _assessor(case: ProtectionCase) -> tuple[User, access.CaseAccess] | None:
    candidates = list(responsible_handlers(case)) + [
        m.user
        for m in Membership.objects.filter(
            organisation=case.unit, role=Membership.Role.HEAD, is_active=True
        ).select_related("user")
    ]
    for user in candidates:
        try:
            case_access = access.get_case_for_user(user, case.key, log=False)
        except (Http404, access.BreakGlassRequired):
            continue
        if services.may_assess(case_access):
            return user, case_access
    return None


def _instrument(case: ProtectionCase) -> Instrument | None:
    code = INSTRUMENT_BY_CATEGORY.get(case.category, "CHECK10")  # type: ignore[call-overload]
    return Instrument.objects.filter(code=code, active=True).order_by("-version").first()


def _make(
    user: User,
    case_access: access.CaseAccess,
    instrument: Instrument,
    rng: random.Random,
    *,
    days_ago: int,
    level: str,
    measures: list[MeasureKind],
    previous: Assessment | None = None,
) -> Assessment:
    if previous is not None:
        assessment, _created = services.start_reassessment(user, previous)
    else:
        # One threat actor at a time (issue 11): the demo assesses the first one.
        actor = case_access.case.participants.filter(role="threat_actor").order_by("pk").first()
        assessment, _created = services.start_assessment(
            user,
            case_access.case,
            instrument=instrument,
            threat_actors=[actor] if actor and instrument.per_threat_actor else [],
        )
    structure = services.load_structure(instrument)
    assessed_on = timezone.localdate() - timedelta(days=days_ago)
    data = services.AssessmentInput(
        assessed_on=assessed_on,
        next_reassessment_on=assessed_on + timedelta(days=90),
        notes="(demo) Påhittad bedömning för demonstration.",
        measures=measures,
    )
    for factor in structure.factors:
        for frame in structure.frames:
            data.ratings[(factor.pk, frame)] = rng.choice(["N", "N", "D", "J", "-"])
        data.evidence[factor.pk] = rng.choice(EVIDENCE)
    for definition in structure.definitions:
        if definition.kind == SummaryJudgementDefinition.Kind.LEVEL:
            data.judgements[definition.pk] = services.JudgementInput(level=level)
        elif definition.kind == SummaryJudgementDefinition.Kind.YES_NO_TEXT:
            data.judgements[definition.pk] = services.JudgementInput(
                answer=True, text="(demo) Skyddslarm och kontaktförbud övervägs."
            )
        else:
            data.judgements[definition.pk] = services.JudgementInput(
                text="(demo) Se underlaget för respektive faktor."
            )
    assessment = services.save_draft(user, assessment, data=data, expected_version=None)
    return services.finalise(user, assessment, expected_version=None)


@transaction.atomic
def seed() -> bool:
    """Give demo cases without assessments a final one. False when there was nothing to do."""
    created = False
    measures = list(MeasureKind.objects.filter(code__in=DEMO_MEASURES, active=True))
    cases = ProtectionCase.objects.filter(
        status=ProtectionCase.Status.OPEN, assessments__isnull=True
    )
    for index, case in enumerate(cases.order_by("pk")[:MAX_CASES]):
        found = _assessor(case)
        instrument = _instrument(case)
        if found is None or instrument is None:
            continue
        user, case_access = found
        rng = random.Random(case.pk)  # noqa: S311 – fictional ratings, not security
        previous = None
        if index == 0:
            previous = _make(
                user, case_access, instrument, rng, days_ago=120, level=Level.MEDIUM, measures=[]
            )
        level = [Level.HIGH, Level.MEDIUM, Level.LOW][index % 3]
        _make(
            user,
            case_access,
            instrument,
            rng,
            days_ago=index * 3,
            level=level,
            measures=measures[: 1 + index % 3],
            previous=previous,
        )
        created = True
    return created
