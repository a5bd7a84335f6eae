"""The latest risk per threat actor (issue 11).

SARA:SV, SAM and PATRIARK assess one threat actor at a time, so a case with three threat
actors (an honour case) has three risk levels. ``case_risk_levels`` is the ONE lookup of
them, for the case page, the case header and case lists, for any number of cases: one
statement for the police's assessments (as lists read them), three queries for another set.
It reads final assessments only and decides nothing about the reader – callers show it
where the reader may see the case's risk summary (police lists, the case page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation
from cases.access import CaseAccess
from cases.lookups import ids_condition
from cases.models import Participant
from cases.roundtrip import Pending, Statement, done, fetch_together, settle
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


def _police_rows(
    ids: list[int], with_actors: bool
) -> tuple[list[tuple[int, int]], list[tuple[int, int, int | None]], dict[int, str]]:
    """``_police_statement``'s rows, read and sorted."""
    (fetched,) = fetch_together([_police_statement(ids, with_actors)])
    return _police_parts(fetched)


def _police_statement(ids: list[int], with_actors: bool) -> Statement:
    """What ``case_risk_levels`` reads for its default assessments (the police's own), in ONE
    hand-written statement instead of three ORM queries: building those cost about 2.5 ms of
    Python on every list page for under 1 ms of SQL (issue 16, profiled). Its parts are the
    threat actors (with ``with_actors``), the final police assessments with the threat actor
    each names, and their level judgements; sorted here as the ORM queries sorted them.
    Plain SQL for PostgreSQL and SQLite; test_the_one_statement_reads_what_the_orm_reads
    (tests/riskassessment/test_threat_actors.py) holds it equal to the ORM's answer."""
    assessment, organisation = Assessment._meta.db_table, Organisation._meta.db_table
    named = Assessment.threat_actors.through._meta.db_table
    judgement = SummaryJudgement._meta.db_table
    definition = SummaryJudgementDefinition._meta.db_table
    order = connection.ops.quote_name("order")
    parts, params = [], []
    cond, cond_params = ids_condition("a.case_id", ids)
    parts.append(
        f"SELECT 1, a.id, a.case_id, n.participant_id, a.assessed_on, a.finalised_at, NULL, NULL "  # noqa: S608 - names and placeholders
        f"FROM {assessment} a JOIN {organisation} o ON o.id = a.organisation_id "
        f"LEFT JOIN {named} n ON n.assessment_id = a.id "
        f"WHERE {cond} AND a.status = %s AND o.kind = %s"
    )
    params += [*cond_params, Assessment.Status.FINAL.value, Organisation.Kind.POLICE_UNIT.value]
    cond, cond_params = ids_condition("a.case_id", ids)
    parts.append(
        f"SELECT 3, j.assessment_id, j.id, NULL, NULL, NULL, j.level, d.{order} "  # noqa: S608 - names and placeholders
        f"FROM {judgement} j JOIN {definition} d ON d.id = j.definition_id "
        f"JOIN {assessment} a ON a.id = j.assessment_id "
        f"JOIN {organisation} o ON o.id = a.organisation_id "
        f"WHERE {cond} AND a.status = %s AND o.kind = %s AND d.kind = %s AND j.level <> ''"
    )
    params += [
        *cond_params,
        Assessment.Status.FINAL.value,
        Organisation.Kind.POLICE_UNIT.value,
        SummaryJudgementDefinition.Kind.LEVEL.value,
    ]
    if with_actors:
        participant = Participant._meta.db_table
        cond, cond_params = ids_condition("p.case_id", ids)
        parts.append(
            f"SELECT 2, p.case_id, p.id, NULL, NULL, p.created_at, NULL, NULL FROM {participant} p "  # noqa: S608 - names and placeholders
            f"WHERE {cond} AND p.role = %s"
        )
        params += [*cond_params, Participant.Role.THREAT_ACTOR.value]
    return Statement(" UNION ALL ".join(parts), params, prepared=True)


def _police_parts(
    fetched: list[Any],
) -> tuple[list[tuple[int, int]], list[tuple[int, int, int | None]], dict[int, str]]:
    actors = sorted((r for r in fetched if r[0] == 2), key=lambda r: (r[1], r[5], r[2]))
    finals = sorted(
        (r for r in fetched if r[0] == 1), key=lambda r: (r[4], r[5], r[1]), reverse=True
    )
    headline: dict[int, str] = {}
    # The first level judgement in the definitions' order (then the first written) heads.
    for r in sorted((r for r in fetched if r[0] == 3), key=lambda r: (r[1], -r[7], -r[2])):
        headline[r[1]] = r[6]
    return (
        [(r[1], r[2]) for r in actors],
        [(r[1], r[2], r[3]) for r in finals],
        headline,
    )


def _orm_rows(
    ids: list[int], assessments: QuerySet[Assessment], known_actors: bool
) -> tuple[list[tuple[int, int]], list[tuple[int, int, int | None]], dict[int, str]]:
    """``_police_rows`` for any set of assessments (the case page passes what its reader may
    see), with the ORM: three queries, or two when the threat actors are known."""
    actor_rows: list[tuple[int, int]] = []
    if not known_actors:
        actor_rows = list(
            Participant.objects.filter(case_id__in=ids, role=Participant.Role.THREAT_ACTOR)
            .order_by("case_id", "created_at", "pk")
            .values_list("case_id", "pk")
        )
    rows: list[tuple[int, int, int | None]] = list(
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
    return actor_rows, rows, headline


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
    that is set. Cases without a final assessment are absent. One statement for the default
    assessments (``_police_rows``), three queries for others.
    ``assessments``: the ones to consider (the case page passes what its reader may see);
    by default the police's own (a social-services assessment reaches the police only when
    disclosed back, see riskassessment.policy). ``threat_actors``: per case id its threat
    actors' participant ids in joining order, where the caller has read them (one query less).
    """
    ids = list(case_ids)
    if not ids:
        return {}
    if assessments is None:
        (levels,) = settle([pending_police_levels(ids, threat_actors)])
        return levels
    known = threat_actors is not None and all(pk in threat_actors for pk in ids)
    return _levels(ids, *_orm_rows(ids, assessments, known), known, threat_actors)


def pending_police_levels(
    case_ids: list[int], threat_actors: Mapping[int, list[int]] | None = None
) -> Pending[dict[int, list[RiskLevel]]]:
    """``case_risk_levels`` of the default assessments (the police's own) as a part of a
    list page read in one round trip (cases.roundtrip): ``_police_statement``."""
    ids = list(case_ids)
    if not ids:
        return done({})
    known = threat_actors is not None and all(pk in threat_actors for pk in ids)
    return Pending(
        (_police_statement(ids, with_actors=not known),),
        lambda rows: _levels(ids, *_police_parts(rows[0]), known, threat_actors),
    )


def _levels(
    ids: list[int],
    actor_rows: Iterable[tuple[int, int]],
    rows: list[tuple[int, int, int | None]],
    headline: dict[int, str],
    known: bool,
    threat_actors: Mapping[int, list[int]] | None,
) -> dict[int, list[RiskLevel]]:
    if known:
        assert threat_actors is not None
        actor_rows = [(case_id, pk) for case_id in ids for pk in threat_actors[case_id]]
    numbers: dict[int, int] = {}
    per_case: dict[int, int] = defaultdict(int)
    for actor_case, actor in actor_rows:
        per_case[actor_case] += 1
        numbers[actor] = per_case[actor_case]
    result: dict[int, list[RiskLevel]] = {}
    seen: set[tuple[int, int | None]] = set()
    found: dict[int, dict[int | None, str]] = defaultdict(dict)
    for assessment_id, case_id, participant_id in rows:  # newest first
        if assessment_id not in headline or (case_id, participant_id) in seen:
            continue
        seen.add((case_id, participant_id))
        found[case_id][participant_id] = headline[assessment_id]
    labels: dict[int, str] = {}  # "Hotutövare 1", "Hotutövare 2" … translated once each
    for case_id, levels in found.items():
        actors = sorted((numbers[p], level) for p, level in levels.items() if p in numbers)
        if actors:
            result[case_id] = [
                (labels.get(n) or labels.setdefault(n, threat_actor_label(n)), level)
                for n, level in actors
            ]
        elif None in levels:
            result[case_id] = [("", levels[None])]
    return result


def police_levels_of_page(
    case_access: CaseAccess, threat_actors: Mapping[int, list[int]] | None
) -> dict[int, list[RiskLevel]]:
    """``case_risk_levels`` of the case page's one case from the default assessments (the
    police's own), read once per page: the case header and the risk section of a police
    reader show the same levels (they were the same statement twice, issue 16)."""
    case_id = case_access.case.pk
    return case_access.remember(
        "police_risk_levels", lambda: case_risk_levels([case_id], threat_actors=threat_actors)
    )


def level_label(code: str) -> str:
    try:
        return str(Level(code).label)
    except ValueError:
        return code
