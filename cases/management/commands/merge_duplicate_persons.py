"""Fold persons registered twice with one personnummer into one record (issue 11).

Safe to run again: a second run finds nothing. Prints case references and counts only –
never a name or a number.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.services.identity import merge_duplicates


class Command(BaseCommand):
    help = "Slår samman dubbletter av personer med samma personnummer (rapport: diarienummer)."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in merge_duplicates().lines():
            self.stdout.write(line)
