"""Support information: new cases where the protected person was told about support."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from cases.models import Participant, ProtectionCase, SupportInformation
from stats.figures import Row, Section, Table, share
from stats.indicators import on
from stats.registry import Context


def build(ctx: Context) -> Section:
    informed = SupportInformation.objects.filter(
        case=OuterRef("pk"), participant__role=Participant.Role.PROTECTED, is_referral=False
    )
    figures: dict[str, Count] = {}
    for tag, period in ctx.periods():
        new = on("opened_on", period)
        figures[f"new_{tag}"] = Count("pk", filter=new)
        figures[f"informed_{tag}"] = Count("pk", filter=new & Q(informed=True))
    total = (
        ProtectionCase.objects.filter(ctx.cases())
        .annotate(informed=Exists(informed))
        .aggregate(**figures)
    )
    table = Table(
        "support_summary",
        _("Skyddspersonen informerad om stöd"),
        [_("Värde")],
        [
            Row(
                _("Nya ärenden där skyddspersonen informerats om stöd"),
                [
                    (
                        share(total["informed_cur"], total["new_cur"]),
                        share(total["informed_prev"], total["new_prev"]),
                    )
                ],
                _(
                    "Andel av periodens nya ärenden där det finns registrerat att "
                    "skyddspersonen fått information om minst en stödverksamhet."
                ),
            )
        ],
    )
    return Section("support", _("Information om stöd"), [table])
