"""The latest risk per threat actor (issue 11).

SARA:SV, SAM and PATRIARK assess one threat actor at a time, so a case with three threat
actors (an honour case) has three risk levels. ``case_risk_levels`` is the ONE lookup of
them, for the case page, the case header and case lists: bulk, three queries for any number
of cases. It reads final assessments only and decides nothing about the reader – callers
show it where the reader may see the case's risk summary (police lists, the case page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation
from cases.models import Participant
from riskassessment.models import (
    Assessment,
    Level,
    SummaryJudgement,
    SummaryJudgementDefinition,
)

RiskLevel = tuple[str, str]  # (threat actor label, level code "low" | "medium" | "high")


def threat_actor_label(number: int) -> str:
    """ "Hotutövare 2": numbered by when they joined the case, never a name (lists show no
    names to unit colleagues)."""
    return _("Hotutövare %(number)s") % {"number": number}


def case_risk_levels(
    case_ids: Iterable[int],
    *,
    assessments: QuerySet[Assessment] | None = None,
    threat_actors: Mapping[int, list[int]] | None = None,
) -> dict[int, list[RiskLevel]]:
    """Per case: the latest final risk level per threat actor, in the order the actors
    joined the case; an assessment that names no threat actor counts for the whole case
    (label "") and is shown only when no threat actor has a level of their own.

    The level is the assessment's headline: its first summary judgement of the level kind
    that is set. Cases without a final assessment are absent. Three queries in all.
    ``assessments``: the ones to consider (the case page passes what its reader may see);
    by default the police's own (a social-services assessment reaches the police only when
    disclosed back, see riskassessment.policy). ``threat_actors``: per case id its threat
    actors' participant ids in joining order, where the caller has read them (one query less).
    """
    ids = list(case_ids)
    if assessments is None:
        assessments = Assessment.objects.filter(organisation__kind=Organisation.Kind.POLICE_UNIT)
    if not ids:
        return {}
    numbers: dict[int, int] = {}
    per_case: dict[int, int] = defaultdict(int)
    if threat_actors is not None and all(pk in threat_actors for pk in ids):
        actor_rows: Iterable[tuple[int, int]] = [
            (case_id, pk) for case_id in ids for pk in threat_actors[case_id]
        ]
    else:
        actor_rows = (
            Participant.objects.filter(case_id__in=ids, role=Participant.Role.THREAT_ACTOR)
            .order_by("case_id", "created_at", "pk")
            .values_list("case_id", "pk")
        )
    for case_id, participant_id in actor_rows:
        per_case[case_id] += 1
        numbers[participant_id] = per_case[case_id]
    rows = list(
        assessments.filter(case_id__in=ids, status=Assessment.Status.FINAL)
        .order_by("-assessed_on", "-finalised_at", "-pk")
        .values_list("pk", "case_id", "threat_actors")
    )
    headline: dict[int, str] = {}
    for assessment_id, level in (
        SummaryJudgement.objects.filter(
            assessment_id__in={row[0] for row in rows},
            definition__kind=SummaryJudgementDefinition.Kind.LEVEL,
        )
        .exclude(level="")
        .order_by("assessment_id", "-definition__order", "-pk")
        .values_list("assessment_id", "level")
    ):
        headline[assessment_id] = level  # the last written is the first in order
    result: dict[int, list[RiskLevel]] = {}
    seen: set[tuple[int, int | None]] = set()
    found: dict[int, dict[int | None, str]] = defaultdict(dict)
    for assessment_id, case_id, participant_id in rows:  # newest first
        if assessment_id not in headline or (case_id, participant_id) in seen:
            continue
        seen.add((case_id, participant_id))
        found[case_id][participant_id] = headline[assessment_id]
    for case_id, levels in found.items():
        actors = sorted((numbers[p], level) for p, level in levels.items() if p in numbers)
        if actors:
            result[case_id] = [(threat_actor_label(n), level) for n, level in actors]
        elif None in levels:
            result[case_id] = [("", levels[None])]
    return result


def level_label(code: str) -> str:
    try:
        return str(Level(code).label)
    except ValueError:
        return code
