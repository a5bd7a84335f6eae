"""Check that nobody has rewritten the access log: exit status 1 at the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.accesschain import verify_chain

REASONS = {
    "changed": "raden har ändrats efter att den skrevs",
    "link": "länken till föregående rad stämmer inte (en rad före den saknas, har ändrats "
    "eller har lagts in i efterhand)",
}


class Command(BaseCommand):
    help = "Kontrollerar åtkomstloggens hashkedja och anger första brutna länk."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Åtkomstloggens kedja är bruten vid rad id {report.broken_at}: "
                f"{REASONS[report.reason]}. Rader kontrollerade: {report.rows}."
            )
        self.stdout.write(
            f"Åtkomstloggens kedja är hel: {report.rows} rader. Senaste hash: {report.head}"
        )
        self.stdout.write(
            "Spara den senaste hashen utanför systemet; en senare kontroll visar då också om "
            "rader har tagits bort i slutet."
        )
