"""cases.roundtrip: read statements sent together give each its own rows, in order – one
round trip on PostgreSQL (Django's client-side binding, or a pipeline of prepared
statements), one by one elsewhere."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from cases.roundtrip import Statement, fetch_together

if connection.vendor == "postgresql":
    from psycopg import pq
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


def table_of(sql: str) -> str:
    """Which part's statement (the risk levels' reads participants too)."""
    for table in ("alarms_loan", "riskassessment_assessment", "cases_participant"):
        if table in sql:
            return table
    return sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one message on PostgreSQL only")
def test_a_list_page_reads_its_rows_facts_risk_levels_and_flags_in_one_round_trip(
    login, head, handler
) -> None:
    """cases.listing.summarise: cases.rowfacts, riskassessment's and alarms' statements
    sent together, prepared, in one pipeline; the count and the page's rows together in one
    message (listing.BoundedPaginator)."""
    for _ in range(3):
        make_case(handler)
    client = login(head)
    client.get("/arenden/")
    seen: list[tuple[str, bool]] = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        status = connection.connection.pgconn.pipeline_status
        seen.append((sql, status != pq.PipelineStatus.OFF))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(watch):
        response = client.get("/arenden/")
    assert response.status_code == 200 and len(response.context["cases"]) == 3
    piped = [i for i, (_sql, in_pipeline) in enumerate(seen) if in_pipeline]
    tables = ["cases_participant", "riskassessment_assessment", "alarms_loan"]
    assert [table_of(seen[i][0]) for i in piped] == tables
    assert piped == list(range(piped[0], piped[0] + 3))  # one after the other: one pipeline
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len(sqls) == len(seen)  # the query log sees every statement
    assert len([s for s in sqls if s.startswith("SELECT COUNT(*) FROM (")]) == 1
    counted = next(s for s in sqls if s.startswith("SELECT COUNT(*) FROM ("))
    assert '"cases_protectioncase"."key"' in counted  # the rows in the same message
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert sorted(map(table_of, prepared)) == sorted(tables)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_prepared_statements_give_their_rows_in_one_pipeline(handler) -> None:
    """``prepared`` statements: the same rows as unprepared, a value with ; and % stays a
    value, and PostgreSQL keeps them prepared on the connection (planned once, not on every
    page)."""
    cases = [make_case(handler) for _ in range(3)]
    ids = "{" + ",".join(str(c.pk) for c in cases) + "}"
    statements = [
        Statement(
            "SELECT id FROM cases_protectioncase WHERE id = ANY(%s::bigint[]) ORDER BY id", [ids]
        ),
        Statement("SELECT id FROM cases_protectioncase WHERE id < %s", [0]),  # no rows
        Statement("SELECT %s::text, %s::text", ["50 %", "a;b"]),
    ]
    prepared = [s._replace(prepared=True) for s in statements]
    with CaptureQueriesContext(connection) as queries:
        found = fetch_together(prepared)
    assert found == fetch_together(statements)
    assert found == [[(c.pk,) for c in cases], [], [("50 %", "a;b")]]
    assert len(queries) == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        (count,) = cursor.fetchone()
    assert count == 3
    fetch_together(prepared)  # again: the same three, not three more
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (3,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_a_failing_prepared_statement_raises_djangos_error_and_leaves_the_connection_usable(
    handler,
) -> None:
    bad = [
        Statement("SELECT 1", [], prepared=True),
        Statement("SELECT no_such_column FROM cases_protectioncase", [], prepared=True),
    ]
    with pytest.raises(ProgrammingError), transaction.atomic():
        fetch_together(bad)
    assert fetch_together([Statement("SELECT 2", [], prepared=True)]) == [[(2,)]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_a_prepared_statement_is_refused_in_a_broken_transaction(handler) -> None:
    """As Django refuses any query there: the error inside atomic() marked it for rollback."""
    with transaction.atomic():
        with (
            pytest.raises(ProgrammingError),
            transaction.atomic(savepoint=False),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT no_such_column FROM cases_protectioncase")
        with pytest.raises(TransactionManagementError):
            fetch_together([Statement("SELECT 1", [], prepared=True)])
