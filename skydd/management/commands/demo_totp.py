"""Print the current TOTP code of a demo user – a convenience for `make run` only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Skriver ut aktuell engångskod för en demoanvändare (endast demomiljö)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SKYDD_DEMO:
            raise CommandError("Endast tillgängligt i demomiljön (SKYDD_DEMO=1).")
        device = TOTPDevice.objects.filter(
            user__email=options["email"].lower(), confirmed=True, user__email__endswith=".example"
        ).first()
        if device is None:
            raise CommandError("Ingen demoanvändare med den adressen.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
