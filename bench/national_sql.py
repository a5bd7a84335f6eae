"""Hand-written SQL of the national benchmark's lists and searches (bench/bench_national.py):
the same rows under the same access rule as the pages, for the "× raw SQL" figures.

The access rule is ``cases.access`` as of issue 16, written out once here:

* openable = assigned (guardian *view* permission, case in one of the user's police units)
  ∪ the units the user heads ∪ an active break-the-glass grant (own unit, not restricted)
  ∪ an active police→social disclosure to one of the user's organisations on which the user
  is a handler or which the user heads;
* listable = openable ∪ the unrestricted cases of the user's police units.

Written the way one would by hand: the few directly reached case ids first (an array), then
the cases by unit or by id (an index each), no DISTINCT. ``bench_national`` checks that the
ids are exactly those of ``access.openable_cases`` / ``access.listable_cases``.

The kontaktförbud filter reads the case's ``has_contact_ban`` flag, as the page does (one
schema for both; before cases 0036 both had two ``IN`` subqueries over every ban and
measure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg

PAGE_SIZE = 50
SEARCH_LIMIT = 50  # cases.services.search.SEARCH_LIMIT: cases shown


@dataclass(frozen=True)
class Reader:
    """The user's side of the access rule, as ``cases.access`` derives it from memberships."""

    user_id: int
    units: list[int]
    heads: list[int]
    social: list[int]
    social_heads: list[int]
    view_perm: int
    change_perm: int
    today: date

    def params(self, **extra: Any) -> dict[str, Any]:
        return {
            "user": self.user_id,
            "units": self.units,
            "heads": self.heads,
            "social": self.social,
            "social_heads": self.social_heads,
            "view": self.view_perm,
            "change": self.change_perm,
            "today": self.today,
            **extra,
        }


READER = """
SELECT o.id, o.kind, m.role FROM accounts_membership m
JOIN accounts_organisation o ON o.id = m.organisation_id
JOIN accounts_user u ON u.id = m.user_id
WHERE m.user_id = %s AND m.is_active AND o.is_active AND u.is_active
  AND NOT u.is_staff AND NOT u.is_superuser
"""


def reader(cursor: Any, user_id: int, today: date) -> Reader:
    cursor.execute(READER, [user_id])
    rows = cursor.fetchall()
    police = [r for r in rows if r[1] == "police" and r[2] in ("handler", "head")]
    social = [r for r in rows if r[1] == "social" and r[2] in ("handler", "head")]
    cursor.execute(
        "SELECT p.id, p.codename FROM auth_permission p JOIN django_content_type t "
        "ON t.id = p.content_type_id WHERE t.app_label = 'cases' AND t.model = 'protectioncase'"
    )
    perms = dict((codename, pk) for pk, codename in cursor.fetchall())
    return Reader(
        user_id,
        [r[0] for r in police],
        [r[0] for r in police if r[2] == "head"],
        [r[0] for r in social],
        [r[0] for r in social if r[2] == "head"],
        perms["view_protectioncase"],
        perms["change_protectioncase"],
        today,
    )


_DISCLOSED = """
SELECT d.case_id FROM cases_disclosure d
WHERE d.direction = 'to_social' AND d.recipient_id = ANY(%(social)s)
  AND d.withdrawn_at IS NULL AND d.valid_from <= %(today)s
  AND (d.valid_until IS NULL OR d.valid_until >= %(today)s)
  AND (d.recipient_id = ANY(%(social_heads)s) OR d.id IN (
      SELECT h.disclosure_id FROM cases_disclosure_handlers h WHERE h.user_id = %(user)s))
  {scope}
"""
_ASSIGNED = """
SELECT g.content_object_id FROM cases_protectioncaseuserobjectpermission g
WHERE g.user_id = %(user)s AND g.permission_id = %(view)s
"""
_GRANTED = """
SELECT b.case_id FROM cases_breakglassaccess b WHERE b.user_id = %(user)s AND b.expires_at > now()
"""


def openable_where(scope: str = "") -> str:
    """Cases ``c`` the reader may open now (``scope``: an extra condition on the
    disclosure, e.g. that it includes persons)."""
    disclosed = _DISCLOSED.format(scope=scope)
    return f"""(
      c.unit_id = ANY(%(heads)s)
      OR (c.id = ANY(ARRAY({_ASSIGNED})) AND c.unit_id = ANY(%(units)s))
      OR (c.id = ANY(ARRAY({_GRANTED})) AND c.unit_id = ANY(%(units)s) AND NOT c.restricted)
      OR c.id = ANY(ARRAY({disclosed}))
    )"""


def listable_where() -> str:
    return f"""(
      (c.unit_id = ANY(%(units)s) AND NOT c.restricted)
      OR c.unit_id = ANY(%(heads)s)
      OR (c.id = ANY(ARRAY({_ASSIGNED})) AND c.unit_id = ANY(%(units)s))
      OR c.id = ANY(ARRAY({_DISCLOSED.format(scope="")}))
    )"""


# The list filters of cases.views.lists.case_list, as SQL on ``c``.
FILTERS = {
    "status": "c.status = %(status)s",
    "category": "c.category = %(category)s",
    "responsible": """c.id IN (SELECT g.content_object_id
        FROM cases_protectioncaseuserobjectpermission g
        WHERE g.user_id = %(responsible)s AND g.permission_id = %(change)s)""",
    # The denormalised flag (cases 0036): a ban row or a kontaktförbud measure, any status.
    "contact_ban": "c.has_contact_ban",
}


COUNT_LIMIT = 10_000  # cases.listing.COUNT_LIMIT: the page counts at most one row more

# What the page's rows show beside the case's own columns (cases.listing.summarise, the
# responsible handlers): the next open follow-up, the responsible handlers' names, the
# strongest protected identity of the people the case protects.
_ROW_PARTS = """
    (SELECT min(f.due_date) FROM cases_followup f
     WHERE f.case_id = c.id AND f.done_on IS NULL) AS next_follow_up,
    (SELECT string_agg(u.full_name, ', ' ORDER BY u.full_name)
     FROM cases_protectioncaseuserobjectpermission g JOIN accounts_user u ON u.id = g.user_id
     WHERE g.content_object_id = c.id AND g.permission_id = %(change)s) AS handlers,
    (SELECT pe.protection FROM cases_participant pa JOIN cases_person pe ON pe.id = pa.person_id
     WHERE pa.case_id = c.id AND pa.role <> 'threat_actor' AND pe.protection <> 'none'
     ORDER BY CASE pe.protection WHEN 'fingerade' THEN 3 WHEN 'skyddad_folkbokforing' THEN 2
              ELSE 1 END DESC LIMIT 1) AS protection"""
# Police readers: the flags (alarms.hooks.case_flags: a device on loan, with or without a
# structured assessment; a real alarm after the latest final assessment).
_FLAGS = """,
    EXISTS (SELECT 1 FROM alarms_loan l WHERE l.case_id = c.id AND l.ended_on IS NULL) AS lent,
    EXISTS (SELECT 1 FROM alarms_loan l WHERE l.case_id = c.id AND l.ended_on IS NULL
            AND l.without_assessment) AS lent_without,
    EXISTS (SELECT 1 FROM alarms_alarmevent e JOIN alarms_loan l ON l.id = e.loan_id
            WHERE l.case_id = c.id AND e.kind = 'real' AND NOT EXISTS (
                SELECT 1 FROM riskassessment_assessment a WHERE a.case_id = c.id
                AND a.status = 'final' AND a.finalised_at >= e.occurred_at)) AS after_alarm"""
# Social-services readers: the scopes of their active disclosures of the case that the row
# uses (persons, risk summary, full risk assessments, measures).
_SCOPES = """,
    (SELECT ARRAY[bool_or(d.scope_persons), bool_or(d.scope_risk_summary),
                  bool_or(d.scope_risk_full), bool_or(d.scope_measures)]
     FROM cases_disclosure d
     WHERE d.case_id = c.id AND d.direction = 'to_social' AND d.recipient_id = ANY(%(social)s)
       AND d.withdrawn_at IS NULL AND d.valid_from <= %(today)s
       AND (d.valid_until IS NULL OR d.valid_until >= %(today)s)
       AND (d.recipient_id = ANY(%(social_heads)s) OR d.id IN (
           SELECT h.disclosure_id FROM cases_disclosure_handlers h
           WHERE h.user_id = %(user)s))) AS scopes"""
_HEADLINE = """JOIN LATERAL (
        SELECT s.level FROM riskassessment_summaryjudgement s
        JOIN riskassessment_summaryjudgementdefinition d ON d.id = s.definition_id
        WHERE s.assessment_id = a.id AND d.kind = 'level' AND s.level <> '' {police_only}
        ORDER BY d."order", s.id LIMIT 1) j ON true"""
# riskassessment.services.risk.case_risk_levels: per case and threat actor the headline
# level of the latest final police assessment, the actors numbered in the order they joined.
_POLICE_RISK = f"""
WITH actors AS (
    SELECT p.id, row_number() OVER (PARTITION BY p.case_id ORDER BY p.created_at, p.id) AS n
    FROM cases_participant p WHERE p.case_id = ANY(%(ids)s) AND p.role = 'threat_actor'
), latest AS (
    SELECT DISTINCT ON (a.case_id, t.participant_id) a.case_id, t.participant_id, j.level
    FROM riskassessment_assessment a
    JOIN accounts_organisation o ON o.id = a.organisation_id AND o.kind = 'police'
    LEFT JOIN riskassessment_assessment_threat_actors t ON t.assessment_id = a.id
    {_HEADLINE.format(police_only="")}
    WHERE a.case_id = ANY(%(ids)s) AND a.status = 'final'
    ORDER BY a.case_id, t.participant_id, a.assessed_on DESC, a.finalised_at DESC, a.id DESC
)
SELECT l.case_id, actors.n, l.level FROM latest l LEFT JOIN actors ON actors.id = l.participant_id
"""
# riskassessment.listing._social_levels: per case the headline of the latest final
# assessment the reader may see (their own organisation's; the police's with a disclosed
# risk scope, never a police-only judgement), with its instrument's name.
_SOCIAL_RISK = f"""
SELECT DISTINCT ON (a.case_id) a.case_id, i.name, j.level
FROM riskassessment_assessment a
JOIN accounts_organisation o ON o.id = a.organisation_id
JOIN riskassessment_instrument i ON i.id = a.instrument_id
{_HEADLINE.format(police_only="AND NOT d.police_only")}
WHERE a.case_id = ANY(%(ids)s) AND a.status = 'final'
  AND (o.id = ANY(%(social)s) OR (o.kind = 'police' AND a.case_id = ANY(%(risk_ids)s)))
ORDER BY a.case_id, a.assessed_on DESC, a.finalised_at DESC, a.id DESC
"""


def case_page(cursor: Any, r: Reader, filters: dict[str, Any], page: int) -> list[str]:
    """The list page's database work, as one would write it by hand: the count that stops
    after COUNT_LIMIT + 1 rows (listing.BoundedPaginator: "Över 10 000"), the page's ids
    (one more than the page says "Nästa"), then what its rows show – the case's columns,
    the next open follow-up, the responsible handlers' names, the protected identity, for
    police readers the flags, for social services the disclosed scopes – and the risk
    levels (police: per threat actor; social services: the latest they may see). Returns
    the references in order.

    Changed with issue 16's list work (nat2-lists): the count was unbounded (a whole unit
    of 40,000 counted) and the page's protection, flags, risk levels and scopes were not
    read at all; the unit's name was read though the rows do not show it."""
    where = " AND ".join([listable_where(), *(FILTERS[k] for k in filters)])
    params = r.params(**filters)
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM cases_protectioncase c WHERE {where} "
        f"LIMIT {COUNT_LIMIT + 1}) t",
        params,
    )
    (total,) = cursor.fetchone()
    if total <= COUNT_LIMIT:  # past the limit the page only knows "Nästa"
        page = min(page, max(1, -(-total // PAGE_SIZE)))
    offset = (page - 1) * PAGE_SIZE
    police, social = bool(r.units), bool(r.social)
    # The page's ids first (ordered by the index's columns), then what its 50 rows show:
    # the per-row subqueries must not run for the rows an OFFSET skips.
    cursor.execute(
        f"""
        WITH more AS (
            SELECT c.id, c.opened_on, c.number FROM cases_protectioncase c
            WHERE {where}
            ORDER BY c.opened_on DESC, c.number DESC
            LIMIT {PAGE_SIZE + 1} OFFSET {offset}
        ), page AS (
            SELECT * FROM more ORDER BY opened_on DESC, number DESC LIMIT {PAGE_SIZE}
        )
        SELECT c.id, c.key, c.reference, c.unit_id, c.category, c.status, c.restricted,
               c.opened_on, {_ROW_PARTS}{_FLAGS if police else ""}{_SCOPES if social else ""}
        FROM page JOIN cases_protectioncase c ON c.id = page.id
        ORDER BY page.opened_on DESC, page.number DESC
        """,
        params,
    )
    rows = cursor.fetchall()
    own = [row[0] for row in rows if row[3] in r.units]
    others = [row[0] for row in rows if row[3] not in r.units]
    if own:
        cursor.execute(_POLICE_RISK, {"ids": own})
        cursor.fetchall()
    if others:
        risk_ids = [row[0] for row in rows if social and row[-1] and (row[-1][1] or row[-1][2])]
        cursor.execute(_SOCIAL_RISK, {"ids": others, "social": r.social, "risk_ids": risk_ids})
        cursor.fetchall()
    return [row[2] for row in rows]


# The person search's access rule (openable_where, persons in scope) in two steps: the ids
# reached one by one, then bound as arrays (cases.access.openable_cases does the same).
_REACHED = f"""SELECT ARRAY({_ASSIGNED}), ARRAY({_GRANTED}),
    ARRAY({_DISCLOSED.format(scope="AND d.scope_persons")})"""
_OPENABLE_BOUND = """(
      c.unit_id = ANY(%(heads)s)
      OR (c.id = ANY(%(assigned)s::bigint[]) AND c.unit_id = ANY(%(units)s))
      OR (c.id = ANY(%(granted)s::bigint[]) AND c.unit_id = ANY(%(units)s) AND NOT c.restricted)
      OR c.id = ANY(%(disclosed)s::bigint[])
    )"""


def search(cursor: Any, r: Reader, *, name: str = "", hmac: str = "") -> list[str]:
    """The person search's rows (case, matching participant, person) over cases the reader
    may open with persons in scope: the newest SEARCH_LIMIT cases with a matching person
    first (they are found long before a common surname's persons are all read), then their
    matching participants; the cases' references in order. Serial, as the page runs it
    (cases.services.search: parallel workers each walked their share of the newest cases)."""
    if hmac:
        match, params = "pe.personnummer_hmac = %(hmac)s", r.params(hmac=hmac)
    else:
        terms = name.split()
        # UPPER(…) LIKE: the expressions of the trigram indexes (cases 0035).
        match = " AND ".join(
            f"(UPPER(pe.first_name) LIKE %(t{i})s OR UPPER(pe.last_name) LIKE %(t{i})s)"
            for i in range(len(terms))
        )
        params = r.params(**{f"t{i}": f"%{t.upper()}%" for i, t in enumerate(terms)})
    # Parameters bound into the text, as Django binds the page's: a prepared statement's
    # generic plan (psycopg prepares a query run five times) walked every case for a reader
    # whose ids came after another reader's head units.
    connection = cursor.connection
    with connection.transaction(), psycopg.ClientCursor(connection) as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        # The cases reached one by one first, then bound as arrays the planner can count
        # and hash: behind ARRAY(subquery) it guessed ten and read all of a social-services
        # head's 1,795 cases before sorting them, testing each against the arrays in turn.
        cursor.execute(_REACHED, params)
        params["assigned"], params["granted"], params["disclosed"] = cursor.fetchone()
        cursor.execute(
            f"""
            WITH hits AS (
                SELECT c.id, c.reference, c.key, c.status, c.unit_id, c.opened_on, c.number
                FROM cases_protectioncase c
                WHERE {_OPENABLE_BOUND} AND EXISTS (
                    SELECT 1 FROM cases_participant p
                    JOIN cases_person pe ON pe.id = p.person_id
                    WHERE p.case_id = c.id AND {match})
                ORDER BY c.opened_on DESC, c.number DESC
                LIMIT {SEARCH_LIMIT}
            )
            SELECT h.reference, p.id, p.role, pe.first_name, pe.last_name, pe.personnummer,
                   pe.protection, h.key, h.status, o.name
            FROM hits h
            JOIN cases_participant p ON p.case_id = h.id
            JOIN cases_person pe ON pe.id = p.person_id
            JOIN accounts_organisation o ON o.id = h.unit_id
            WHERE {match}
            ORDER BY h.opened_on DESC, h.number DESC, p.role, p.id
            """,
            params,
        )
        rows = cursor.fetchall()
    return list(dict.fromkeys(row[0] for row in rows))


def ids(cursor: Any, r: Reader, where: str) -> set[int]:
    cursor.execute(f"SELECT c.id FROM cases_protectioncase c WHERE {where}", r.params())
    return {row[0] for row in cursor.fetchall()}
