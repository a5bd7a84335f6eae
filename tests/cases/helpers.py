"""Small helpers shared by the case tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from stdnum import luhn

from cases.models import ProtectionCase, ProtectionCaseUserObjectPermission


def valid_personnummer(born: date, serial: str = "982") -> str:
    """A made-up personnummer with a correct check digit (YYYYMMDD-NNNN)."""
    check = luhn.calc_check_digit(born.strftime("%y%m%d") + serial)
    return f"{born:%Y%m%d}-{serial}{check}"


def samordningsnummer(born: date, serial: str = "982") -> str:
    day = born.day + 60
    short = f"{born:%y%m}{day:02d}"
    check = luhn.calc_check_digit(short + serial)
    return f"{born:%Y%m}{day:02d}-{serial}{check}"


def person_post(prefix: str = "", **overrides: str) -> dict[str, str]:
    """POST data for a PersonForm (every field filled), optionally with a form prefix."""
    data = {
        "first_name": "Maja",
        "last_name": "Testsson",
        "personnummer": "",
        "date_of_birth": "1990-05-17",
        "phone": "070-111 22 33",
        "street_address": "Hemliggatan 7",
        "postal_code": "731 30",
        "city": "Köping",
        "protection": "none",
    }
    data.update(overrides)
    return {f"{prefix}-{k}" if prefix else k: v for k, v in data.items()}


def make_responsible(handler: Any, cases: Iterable[ProtectionCase]) -> None:
    """The handler responsible for each case – the view and change permissions the service
    grants – in one bulk insert (for tests that need hundreds of cases quickly)."""
    perms = list(
        Permission.objects.filter(codename__in=["view_protectioncase", "change_protectioncase"])
    )
    ProtectionCaseUserObjectPermission.objects.bulk_create(
        ProtectionCaseUserObjectPermission(user=handler, permission=p, content_object=c)
        for c in cases
        for p in perms
    )


def bulk_cases(
    unit: Any, handler: Any, count: int, start: int = 1000, prefix: str = "BULK"
) -> list[ProtectionCase]:
    """Many cases quickly (bypassing the service), with the handler responsible for each."""
    cases = ProtectionCase.objects.bulk_create(
        ProtectionCase(
            unit=unit,
            year=2026,
            number=start + i,
            reference=f"{prefix}-{start + i}",
            category="other",
            opened_on=date(2026, 1, 1),
        )
        for i in range(count)
    )
    make_responsible(handler, cases)
    return cases


def migrate_to(targets: list[tuple[str, str]]) -> None:
    """Take the real schema to these migrations (a backfill test's way back and forth)."""
    MigrationExecutor(connection).migrate(targets)


def latest_migrations() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def table_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}
