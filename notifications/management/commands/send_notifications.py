"""One sweep of the outbox by hand; ``--every N`` repeats it (``make run`` has no beat)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from notifications.sweep import dry_run, sweep


class Command(BaseCommand):
    help = "Skriver det som är dags och skickar påminnelser och sammanställningar (ett svep)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa bara vad som skulle skrivas och skickas (utan personuppgifter).",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SEKUNDER",
            help="Upprepa svepet med detta mellanrum tills processen avslutas.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            for line in dry_run():
                self.stdout.write(line)
            return
        while True:
            try:
                result = sweep()
                self.stdout.write(
                    f"Svep: {result.digests} sammanställningar och {result.notices} brådskande "
                    f"meddelanden skrivna; {result.delivery.sent} skickade, "
                    f"{result.delivery.retried} försöks igen, {result.delivery.failed} "
                    f"ej levererade, {result.delivery.dropped} utan innehåll."
                )
            except Exception as exc:
                if not options["every"]:
                    raise
                self.stderr.write(f"Svepet misslyckades ({type(exc).__name__}); försöker igen.")
            if not options["every"]:
                return
            close_old_connections()
            time.sleep(options["every"])
