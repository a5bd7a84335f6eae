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

PAGE_SIZE = 50
SEARCH_ROWS = 200  # cases.services.search: SEARCH_LIMIT * 4 participant rows, 50 cases


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


def case_page(cursor: Any, r: Reader, filters: dict[str, Any], page: int) -> list[str]:
    """The list page: the count (the paginator's) and the page's rows with what the row
    shows – unit, category, status, opened, the next open follow-up and the responsible
    handlers' names. Returns the references in order."""
    where = " AND ".join([listable_where(), *(FILTERS[k] for k in filters)])
    params = r.params(**filters)
    cursor.execute(f"SELECT count(*) FROM cases_protectioncase c WHERE {where}", params)
    (total,) = cursor.fetchone()
    last = max(1, -(-total // PAGE_SIZE))
    offset = (min(page, last) - 1) * PAGE_SIZE
    # The page's ids first (ordered by the index's columns), then what its 50 rows show:
    # the per-row subqueries must not run for the rows an OFFSET skips.
    cursor.execute(
        f"""
        WITH page AS (
            SELECT c.id, c.opened_on, c.number FROM cases_protectioncase c
            WHERE {where}
            ORDER BY c.opened_on DESC, c.number DESC
            LIMIT {PAGE_SIZE} OFFSET {offset}
        )
        SELECT c.id, c.key, c.reference, c.category, c.status, c.restricted, c.opened_on,
               o.name,
               (SELECT min(f.due_date) FROM cases_followup f
                WHERE f.case_id = c.id AND f.done_on IS NULL) AS next_follow_up,
               (SELECT string_agg(u.full_name, ', ' ORDER BY u.full_name)
                FROM cases_protectioncaseuserobjectpermission g
                JOIN accounts_user u ON u.id = g.user_id
                WHERE g.content_object_id = c.id AND g.permission_id = %(change)s) AS handlers
        FROM page JOIN cases_protectioncase c ON c.id = page.id
        JOIN accounts_organisation o ON o.id = c.unit_id
        ORDER BY page.opened_on DESC, page.number DESC
        """,
        params,
    )
    return [row[2] for row in cursor.fetchall()]


def search(cursor: Any, r: Reader, *, name: str = "", hmac: str = "") -> list[str]:
    """The person search's rows (participant, person, case) over cases the reader may open
    with persons in scope; the first 50 cases' references in order."""
    if hmac:
        match, params = "pe.personnummer_hmac = %(hmac)s", r.params(hmac=hmac)
    else:
        terms = name.split()
        match = " AND ".join(
            f"(pe.first_name ILIKE %(t{i})s OR pe.last_name ILIKE %(t{i})s)"
            for i in range(len(terms))
        )
        params = r.params(**{f"t{i}": f"%{t}%" for i, t in enumerate(terms)})
    cursor.execute(
        f"""
        SELECT c.reference, p.id, p.role, pe.first_name, pe.last_name, pe.personnummer,
               pe.protection, c.key, c.status, o.name
        FROM cases_participant p
        JOIN cases_protectioncase c ON c.id = p.case_id
        JOIN cases_person pe ON pe.id = p.person_id
        JOIN accounts_organisation o ON o.id = c.unit_id
        WHERE {match} AND {openable_where("AND d.scope_persons")}
        ORDER BY c.opened_on DESC, c.number DESC, p.role
        LIMIT {SEARCH_ROWS}
        """,
        params,
    )
    references = list(dict.fromkeys(row[0] for row in cursor.fetchall()))
    return references[:50]


def ids(cursor: Any, r: Reader, where: str) -> set[int]:
    cursor.execute(f"SELECT c.id FROM cases_protectioncase c WHERE {where}", r.params())
    return {row[0] for row in cursor.fetchall()}
