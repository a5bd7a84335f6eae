"""Support information: new cases where the protected person was told about support."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from cases.models import Participant, SupportInformation
from stats.figures import Row, Section, Table, share
from stats.indicators import on
from stats.indicators.caseload import totals
from stats.registry import Context


def build(ctx: Context) -> Section:
    new_cases = {key: value for key, value in totals(ctx).items() if key.startswith("new_")}
    informed = SupportInformation.objects.filter(
        ctx.cases("case__"),
        participant__role=Participant.Role.PROTECTED,
        is_referral=False,
        case__opened_on__gte=ctx.previous.start,
        case__opened_on__lte=ctx.current.end,
    ).aggregate(
        **{
            f"informed_{tag}": Count("case", distinct=True, filter=on("case__opened_on", period))
            for tag, period in ctx.periods()
        }
    )
    total = new_cases | informed
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
