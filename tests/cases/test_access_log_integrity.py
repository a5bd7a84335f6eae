"""A log nobody can rewrite: the application role may only read and append the access log;
the hash chain shows a row changed by the owner; SQLite refuses changes too."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from cases import access
from cases.accesschain import verify_chain
from cases.models import AccessLogEntry
from cases.models.accesslog import LogRow, append_entries
from skydd.dbroles import SQLITE_TRIGGERS, create_role, grant_app_role
from tests.factories import make_case


def _log_rows(user, case, n: int = 3) -> list[AccessLogEntry]:
    return [
        access.record_access(
            user,
            case=case,
            channel=AccessLogEntry.Channel.DETAIL,
            granted=True,
            what=f"läsning {i}",
        )
        for i in range(n)
    ]


@pytest.fixture
def app_role(transactional_db: None, settings) -> Iterator[psycopg.Connection]:
    """A restricted login role for this test database, granted by `migrate` itself (as in
    production: DATABASE_APP_ROLE set for the owner's migrate run), and a separate
    connection as that role (not through Django)."""
    settings_dict = connection.settings_dict
    role = f"{settings_dict['NAME']}_app"[:63]
    create_role(connection, role)
    settings.DATABASE_APP_ROLE = role
    call_command("migrate", verbosity=0)
    conn = psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        dbname=settings_dict["NAME"],
        user=role,
        autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_the_app_role_may_read_and_append_but_not_rewrite_the_log(app_role, handler) -> None:
    case = make_case(handler)
    rows = _log_rows(handler, case)
    table = "cases_accesslogentry"
    with app_role.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[1] is False
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == 3
        forbidden = [
            f"UPDATE {table} SET what = 'x' WHERE id = {rows[0].pk}",
            f"DELETE FROM {table} WHERE id = {rows[0].pk}",
            f"TRUNCATE {table}",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"ALTER TABLE {table} ADD COLUMN x int",
            f"DROP TABLE {table}",
        ]
        for statement in forbidden:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                cursor.execute(statement)
        # Other tables: ordinary DML is allowed (the application needs it).
        cursor.execute("UPDATE accounts_user SET full_name = full_name WHERE id = %s", [handler.pk])
        assert cursor.rowcount == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            cursor.execute("TRUNCATE django_session")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            cursor.execute("DELETE FROM django_migrations")
    assert AccessLogEntry.objects.count() == 3
    assert verify_chain().intact
    # Granting again (the command, or the next migrate) changes nothing.
    grant_app_role(connection, app_role.info.user)
    with app_role.cursor() as cursor, pytest.raises(psycopg.errors.InsufficientPrivilege):
        cursor.execute(f"DELETE FROM {table}")


def test_django_as_the_app_role_appends_a_chained_row(app_role, handler) -> None:
    """The application code path (save() with its advisory lock) works under the role."""
    case = make_case(handler)
    _log_rows(handler, case, 1)
    role = app_role.info.user
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
        try:
            _log_rows(handler, case, 2)
            with pytest.raises(Exception, match="permission denied"):
                AccessLogEntry.objects.filter(case=case).update(what="x")
        finally:
            cursor.execute("RESET ROLE")
    assert AccessLogEntry.objects.count() == 3
    assert verify_chain().intact


def test_many_entries_appended_at_once_as_the_app_role_keep_the_chain(app_role, handler) -> None:
    """``append_entries`` (the nightly e-mails' path: one INSERT per batch) chains its rows
    like save() does, in order, between rows written one by one."""
    case = make_case(handler)
    _log_rows(handler, case, 1)
    rows = [
        LogRow(handler.pk, case.unit_id, case.pk, case.reference, "email", f"e-post {i}", True)
        for i in range(5)
    ]
    role = app_role.info.user
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
        try:
            with transaction.atomic():
                append_entries(rows)
            _log_rows(handler, case, 1)
            with transaction.atomic():
                append_entries(rows[:2])
        finally:
            cursor.execute("RESET ROLE")
    written = list(AccessLogEntry.objects.order_by("pk").values_list("what", "channel"))
    assert [w for w, _c in written] == [
        "läsning 0",
        *(f"e-post {i}" for i in range(5)),
        "läsning 0",
        "e-post 0",
        "e-post 1",
    ]
    report = verify_chain()
    assert report.intact and report.rows == 9, report
    # The bulk rows are covered by the chain like any other: a change shows.
    target = AccessLogEntry.objects.order_by("pk")[3]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE cases_accesslogentry DISABLE TRIGGER USER")
        cursor.execute("UPDATE cases_accesslogentry SET what = 'x' WHERE id = %s", [target.pk])
        cursor.execute("ALTER TABLE cases_accesslogentry ENABLE TRIGGER USER")
    assert (verify_chain().broken_at, verify_chain().reason) == (target.pk, "changed")


@pytest.mark.django_db
def test_one_row_is_one_round_trip_hashed_as_python_hashes_it(
    handler, django_assert_num_queries
) -> None:
    """The case page's write: lock, head and insert in one message; PostgreSQL's hash of the
    row is the one ``expected_hash`` gives, special characters included."""
    case = make_case(handler)
    _log_rows(handler, case, 1)
    entry = AccessLogEntry(
        user=handler,
        case=case,
        case_reference=case.reference,
        channel=AccessLogEntry.Channel.DETAIL,
        granted=True,
        what='åäö "citat" \\ \n \u2028 %s',
        break_glass_reason="skäl: ☂",
    )
    with django_assert_num_queries(1):
        entry.save()
    stored = AccessLogEntry.objects.get(pk=entry.pk)
    assert (stored.prev_hash, stored.row_hash) == (entry.prev_hash, entry.row_hash)
    assert stored.row_hash == stored.expected_hash(stored.prev_hash)
    assert stored.case_unit_id == case.unit_id and stored.at == entry.at
    assert verify_chain().intact and verify_chain().rows == 2


def test_rows_written_at_the_same_time_keep_one_chain(transactional_db, handler) -> None:
    """Writers on several connections at once: the lock orders them, every row links to the
    one before it."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    case = make_case(handler)

    def write(n: int) -> None:
        try:
            _log_rows(handler, case, 5)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    report = verify_chain()
    assert report.intact and report.rows == 20, report


@pytest.mark.django_db
def test_the_chain_check_finds_a_row_altered_by_the_owner(handler) -> None:
    case = make_case(handler)
    rows = _log_rows(handler, case, 5)
    call_command("verify_access_log")
    assert verify_chain().intact and verify_chain().rows == 5
    with connection.cursor() as cursor:
        # Only the owner can do this: switch the append-only trigger off and rewrite a row.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
        cursor.execute("ALTER TABLE cases_accesslogentry DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE cases_accesslogentry SET what = 'ingenting' WHERE id = %s", [rows[2].pk]
        )
        cursor.execute("ALTER TABLE cases_accesslogentry ENABLE TRIGGER USER")
    report = verify_chain()
    assert (report.broken_at, report.reason) == (rows[2].pk, "changed")
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_access_log")
    message = str(excinfo.value)
    assert f"rad id {rows[2].pk}" in message
    assert handler.full_name not in message and case.reference not in message
    assert "ingenting" not in message


@pytest.mark.django_db
def test_the_chain_check_finds_a_removed_row(handler) -> None:
    case = make_case(handler)
    rows = _log_rows(handler, case, 4)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
        cursor.execute("ALTER TABLE cases_accesslogentry DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM cases_accesslogentry WHERE id = %s", [rows[1].pk])
        cursor.execute("ALTER TABLE cases_accesslogentry ENABLE TRIGGER USER")
    report = verify_chain()
    assert (report.broken_at, report.reason) == (rows[2].pk, "link")


@pytest.mark.django_db
def test_the_owners_trigger_still_refuses_update_and_delete(handler) -> None:
    from django.db import transaction
    from django.db.utils import DatabaseError

    case = make_case(handler)
    row = _log_rows(handler, case, 1)[0]
    for statement in (
        "UPDATE cases_accesslogentry SET what = 'x'",
        "DELETE FROM cases_accesslogentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    with pytest.raises(ValueError):
        row.save()


def test_sqlite_refuses_update_and_delete_on_the_log(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "log.sqlite3")
    db.execute("CREATE TABLE cases_accesslogentry (id integer primary key, what text)")
    for sql in SQLITE_TRIGGERS.values():
        db.execute(sql)
    db.execute("INSERT INTO cases_accesslogentry (what) VALUES ('läsning')")
    for statement in (
        "UPDATE cases_accesslogentry SET what = 'x'",
        "DELETE FROM cases_accesslogentry",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    assert db.execute("SELECT what FROM cases_accesslogentry").fetchall() == [("läsning",)]
