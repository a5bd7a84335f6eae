"""Gallring of closed cases past their retention period (see cases/casework/retention.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.casework.retention import due_for_purge, purge_expired


class Command(BaseCommand):
    help = (
        "Gallrar avslutade ärenden vars gallringsfrist har gått ut (utom de med bevarandebeslut)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa bara vilka ärenden som skulle gallras."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            references = list(due_for_purge().values_list("reference", flat=True))
            self.stdout.write(f"{len(references)} ärenden skulle gallras.")
            for reference in references:
                self.stdout.write(f"  {reference}")
            return
        protocols = purge_expired(run_by="kommandot purge_cases")
        self.stdout.write(f"{len(protocols)} ärenden gallrade.")
        for protocol in protocols:
            self.stdout.write(f"  {protocol.case_reference}")
