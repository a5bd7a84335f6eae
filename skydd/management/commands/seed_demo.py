"""Seed fictional demo data once; running again keeps what is there."""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

# Each app that has demo data offers `<app>.demo.seed() -> bool`, run in this order.
DEMO_MODULES = [
    "accounts.demo",
    "cases.demo",
    "cases.casework.demo",
    "riskassessment.demo",
    "cases.plan.demo",
    "alarms.demo",
]


class Command(BaseCommand):
    help = "Skapar påhittad demodata (en gång) och skriver ut demoanvändarna."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--credentials-file",
            type=Path,
            help="Skriv demoanvändarnas inloggningsuppgifter som JSON till denna fil.",
        )
        parser.add_argument("--quiet", action="store_true", help="Skriv inte ut användarna.")

    def handle(self, *args: Any, **options: Any) -> None:
        from accounts.demo import credentials

        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            created = module.seed()
            self.stdout.write(f"{name}: {'skapad' if created else 'fanns redan'}")

        creds = credentials()
        path: Path | None = options.get("credentials_file")
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps([asdict(c) for c in creds], indent=2, ensure_ascii=False))
            path.chmod(0o600)
            self.stdout.write(f"Inloggningsuppgifter skrivna till {path}")
        if not options["quiet"]:
            self.stdout.write("\nDemoanvändare (lösenord och TOTP-nyckel för autentiseringsapp):")
            for c in creds:
                self.stdout.write(
                    f"  {c.email:<30} {c.role:<8} {c.organisation:<28} "
                    f"lösenord: {c.password}  TOTP: {c.totp_secret}"
                )
            self.stdout.write(
                f"\nLogga in på {settings.SITE_URL}/login/ . Engångskoden får du genom att lägga "
                "in TOTP-nyckeln i en autentiseringsapp, eller med:\n"
                "  .venv/bin/python manage.py demo_totp <e-postadress>"
            )
