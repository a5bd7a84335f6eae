"""The latest risk level per case for case lists and the case header
(``cases.extensions.case_risk_levels``, registered in RiskassessmentConfig.ready).

One query whatever the number of cases. The reader sees what the case page would show them
(riskassessment.policy): police readers the police's final assessments; social services
their own organisation's and – with a disclosed risk scope – the police's final ones, never
a police-only (intelligence) judgement. The list is per case so that a level per threat
actor (once assessments name one) fits: today one entry, labelled with the instrument.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection

from accounts.models import Organisation
from cases import caserows
from cases.listing import ListReader, RiskLevel
from cases.lookups import ids_condition
from cases.models import ProtectionCase
from cases.roundtrip import Pending, Statement, combine, fetch_together, later, settle
from riskassessment.models import (
    Assessment,
    Instrument,
    Level,
    SummaryJudgement,
    SummaryJudgementDefinition,
)

RISK_SCOPES = ("scope_risk_summary", "scope_risk_full")


def _visible(reader: ListReader, unit_id: int, case_id: int, org_id: int, org_kind: str) -> bool:
    if unit_id in reader.police_unit_ids:
        return org_kind == Organisation.Kind.POLICE_UNIT
    if org_id in reader.social_org_ids:
        return True
    scopes = reader.disclosed_scopes.get(case_id, frozenset())
    return org_kind == Organisation.Kind.POLICE_UNIT and bool(scopes & set(RISK_SCOPES))


def case_risk_levels(case_ids: list[int], reader: ListReader) -> dict[int, list[RiskLevel]]:
    """Police readers: the latest level per threat actor (riskassessment.services.risk, the
    one lookup of issue 11). Social services: one level per case from the assessments they
    may see, never from a police-only judgement."""
    (levels,) = settle([pending_case_risk_levels(case_ids, reader)])
    return levels


def pending_case_risk_levels(
    case_ids: list[int], reader: ListReader
) -> Pending[dict[int, list[RiskLevel]]]:
    """``case_risk_levels`` as a part of a list page read in one round trip (the provider of
    ``cases.extensions.case_risk_levels``): the police's statement and social services'
    statement, as many as the page needs. The case page's one case reads by itself, once
    per page (``police_levels_of_page``)."""
    from riskassessment.services.risk import pending_police_levels

    if reader.page is not None:
        return later(lambda: _levels_of_page(case_ids, reader))
    police = [pk for pk in case_ids if pk in reader.police_case_ids]
    others = [pk for pk in case_ids if pk not in reader.police_case_ids]
    parts: list[Pending[Any]] = []
    if police:
        parts.append(pending_police_levels(police, reader.threat_actors))
    if others:
        statement = _social_statement(others)
        parts.append(Pending((statement,), lambda rows: _social_decode(rows[0])))

    def finish(answers: list[Any]) -> dict[int, list[RiskLevel]]:
        result = _police_risk(answers[0]) if police else {}
        if others:
            result.update(_social_levels(answers[-1], reader))
        return result

    return combine(parts, finish)


def _police_risk(found: Mapping[int, list[tuple[str, str]]]) -> dict[int, list[RiskLevel]]:
    from riskassessment.services.risk import level_label

    # Three level codes on a page of 50 rows: each translated once (a lazy label's str()
    # is a gettext).
    display: dict[str, str] = {}
    return {
        case_id: [
            RiskLevel(
                label=label,
                level=level,
                display=display.get(level) or display.setdefault(level, level_label(level)),
            )
            for label, level in levels
        ]
        for case_id, levels in found.items()
    }


def _levels_of_page(case_ids: list[int], reader: ListReader) -> dict[int, list[RiskLevel]]:
    from riskassessment.services.risk import police_levels_of_page

    result: dict[int, list[RiskLevel]] = {}
    assert reader.page is not None
    if not caserows.has(reader.page, Assessment):
        return result  # the case page's case has no assessment at all
    if any(pk in reader.police_case_ids for pk in case_ids):
        result.update(_police_risk(police_levels_of_page(reader.page, reader.threat_actors)))
    others = [pk for pk in case_ids if pk not in reader.police_case_ids]
    if others:
        result.update(_social_levels(social_rows(others), reader))
    return result


def social_rows(case_ids: list[int]) -> list[tuple[Any, ...]]:
    """``_social_statement``'s rows."""
    (rows,) = fetch_together([_social_statement(case_ids)])
    return _social_decode(rows)


def _social_statement(case_ids: list[int]) -> Statement:
    """The level judgements of the final assessments of these cases, newest assessment
    first per case, in ONE hand-written statement: as an ORM query over six tables its
    building cost about 2 ms of Python on every social-services list page (issue 16,
    profiled). (case id, unit id, assessment id, organisation id, organisation kind,
    instrument name, police only, level) in the ORM's order; plain SQL for PostgreSQL and
    SQLite; tests/riskassessment/test_social_levels.py holds it equal to the ORM's rows."""
    assessment, case = Assessment._meta.db_table, ProtectionCase._meta.db_table
    organisation, instrument = Organisation._meta.db_table, Instrument._meta.db_table
    judgement = SummaryJudgement._meta.db_table
    definition = SummaryJudgementDefinition._meta.db_table
    order = connection.ops.quote_name("order")
    cond, params = ids_condition("a.case_id", case_ids)
    sql = (
        "SELECT a.case_id, c.unit_id, a.id, a.organisation_id, o.kind, i.name, "  # noqa: S608 - names and placeholders
        "d.police_only, j.level "
        f"FROM {judgement} j JOIN {assessment} a ON a.id = j.assessment_id "
        f"JOIN {definition} d ON d.id = j.definition_id "
        f"JOIN {case} c ON c.id = a.case_id "
        f"JOIN {organisation} o ON o.id = a.organisation_id "
        f"JOIN {instrument} i ON i.id = a.instrument_id "
        f"WHERE {cond} AND a.status = %s AND d.kind = %s AND j.level <> '' "
        f"ORDER BY a.case_id, a.assessed_on DESC, a.finalised_at DESC, a.id DESC, "
        f"d.{order}, d.id"
    )
    params += [Assessment.Status.FINAL.value, SummaryJudgementDefinition.Kind.LEVEL.value]
    return Statement(sql, params, prepared=True)


def _social_decode(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [(*row[:6], bool(row[6]), row[7]) for row in rows]


def _social_levels(rows: list[tuple[Any, ...]], reader: ListReader) -> dict[int, list[RiskLevel]]:
    """From ``social_rows``: per case the headline of the latest assessment the reader may see."""
    chosen: dict[int, int] = {}  # case id -> the latest visible assessment id
    result: dict[int, list[RiskLevel]] = {}
    for case_id, unit_id, assessment_id, org_id, org_kind, instrument, police_only, level in rows:
        if case_id in chosen and chosen[case_id] != assessment_id:
            continue
        if not _visible(reader, unit_id, case_id, org_id, org_kind):
            continue
        if police_only and unit_id not in reader.police_unit_ids:
            continue
        if case_id in chosen:
            continue  # the headline (first level judgement) of that assessment is taken
        chosen[case_id] = assessment_id
        result[case_id] = [
            RiskLevel(label=instrument, level=level, display=str(Level(level).label))
        ]
    return result
