"""Two database roles on PostgreSQL: the owner (runs migrations) and the application role.

The application role gets full DML on every table but only SELECT and INSERT on the access
log, and neither TRUNCATE nor ALTER anywhere (it owns nothing). ``grant_app_role`` runs after
every ``migrate`` when ``DATABASE_APP_ROLE`` is set, so new tables are covered at once; the
``grant_app_role`` management command does the same by hand (``--create`` also creates a
login role without a password, for local tests with trust authentication).

On SQLite there are no roles; the append-only triggers are recreated if a table rebuild (an
ALTER on SQLite copies the table) has dropped them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_TABLES = ("cases_accesslogentry",)
# Tables the application reads but never writes.
READ_ONLY_TABLES = ("django_migrations",)

SQLITE_TRIGGERS = {
    "cases_accesslog_no_update": (
        "CREATE TRIGGER cases_accesslog_no_update BEFORE UPDATE ON cases_accesslogentry "
        "BEGIN SELECT RAISE(ABORT, 'cases_accesslogentry is append-only'); END"
    ),
    "cases_accesslog_no_delete": (
        "CREATE TRIGGER cases_accesslog_no_delete BEFORE DELETE ON cases_accesslogentry "
        "BEGIN SELECT RAISE(ABORT, 'cases_accesslogentry is append-only'); END"
    ),
}


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def create_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """A login role with no privileges of its own (NOSUPERUSER, owns nothing)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(
                f"CREATE ROLE {_quote(connection, role)} LOGIN NOSUPERUSER NOCREATEDB "
                "NOCREATEROLE NOBYPASSRLS"
            )


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """Grant ``role`` what the application needs, and no more, on every existing table."""
    r = _quote(connection, role)
    statements = [
        f"GRANT CONNECT ON DATABASE {_quote(connection, connection.settings_dict['NAME'])} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"REVOKE CREATE ON SCHEMA public FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        # Tables created later by the owner: the same DML by default (and the next
        # post-migrate run narrows the append-only ones again).
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE "
        f"ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(f"REVOKE UPDATE, DELETE ON {table} FROM {r}")
    for table in READ_ONLY_TABLES:
        statements.append(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {r}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def ensure_sqlite_triggers(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases_accesslogentry'"
        )
        if cursor.fetchone() is None:
            return
        for name, sql in SQLITE_TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)


def after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        ensure_sqlite_triggers(connection)
    elif connection.vendor == "postgresql" and settings.DATABASE_APP_ROLE:
        grant_app_role(connection, settings.DATABASE_APP_ROLE)
