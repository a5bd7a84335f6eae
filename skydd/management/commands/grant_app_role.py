"""Grant the application's database role its privileges (runs after migrate by itself)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from skydd.dbroles import create_role, grant_app_role


class Command(BaseCommand):
    help = (
        "Ger applikationens databasroll (DATABASE_APP_ROLE eller --role) rättigheter: "
        "SELECT och INSERT på åtkomstloggen, full DML på övriga tabeller. Körs som ägarrollen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default=settings.DATABASE_APP_ROLE)
        parser.add_argument(
            "--create", action="store_true", help="Skapa rollen (utan lösenord) om den saknas."
        )

    def handle(self, *args: Any, role: str, create: bool, **options: Any) -> None:
        connection = connections["default"]
        if connection.vendor != "postgresql":
            raise CommandError("Databasroller finns bara på PostgreSQL.")
        if not role:
            raise CommandError("Ange rollen med --role eller DATABASE_APP_ROLE.")
        if create:
            create_role(connection, role)
        grant_app_role(connection, role)
        self.stdout.write(f"Rättigheter givna till {role}.")
