"""cases.roundtrip: read statements sent together give each its own rows, in order – one
round trip on PostgreSQL (Django's client-side binding), one by one elsewhere."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.roundtrip import Statement, fetch_together
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_each_statement_gets_its_own_rows_in_one_round_trip(handler) -> None:
    cases = [make_case(handler) for _ in range(3)]
    statements = [
        Statement("SELECT id FROM cases_protectioncase WHERE id = %s", [cases[1].pk]),
        Statement("SELECT id FROM cases_protectioncase WHERE id > %s ORDER BY id", [0]),
        Statement("SELECT id FROM cases_protectioncase WHERE id < %s", [0]),  # no rows
        Statement("SELECT %s, %s", ["50 %", "a;b"]),  # a value with ; and % stays a value
    ]
    with CaptureQueriesContext(connection) as queries:
        found = fetch_together(statements)
    assert found == [
        [(cases[1].pk,)],
        [(c.pk,) for c in cases],
        [],
        [("50 %", "a;b")],
    ]
    assert len(queries) == (1 if connection.vendor == "postgresql" else len(statements))
    assert fetch_together([]) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one message on PostgreSQL only")
def test_a_statement_that_is_really_two_is_refused(handler) -> None:
    with pytest.raises(RuntimeError, match="2 statements gave 3 results"):
        fetch_together([Statement("SELECT 1; SELECT 2", []), Statement("SELECT 3", [])])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one message on PostgreSQL only")
def test_a_list_page_reads_its_rows_facts_risk_levels_and_flags_in_one_round_trip(
    login, head, handler
) -> None:
    """cases.listing.summarise: cases.rowfacts, riskassessment's and alarms' statements
    sent together; the count and the page's rows together (listing.BoundedPaginator)."""
    for _ in range(3):
        make_case(handler)
    client = login(head)
    client.get("/arenden/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/arenden/")
    assert response.status_code == 200 and len(response.context["cases"]) == 3
    sqls = [q["sql"] for q in queries.captured_queries]
    together = [s for s in sqls if "cases_participant" in s and "alarms_loan" in s]
    assert len(together) == 1 and "riskassessment_assessment" in together[0]
    assert not [s for s in sqls if s not in together and "alarms_loan" in s]
    assert len([s for s in sqls if s.startswith("SELECT COUNT(*) FROM (")]) == 1
    counted = next(s for s in sqls if s.startswith("SELECT COUNT(*) FROM ("))
    assert '"cases_protectioncase"."key"' in counted  # the rows in the same message
