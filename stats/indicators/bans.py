"""Kontaktförbud: requested, granted, refused; breaches per ban; bans ending within 30 days."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.models import ContactBan, ContactBanBreach
from stats.figures import Row, Section, Table, count, ratio
from stats.indicators import during, on
from stats.registry import Context

IN_FORCE = (ContactBan.Status.GRANTED, ContactBan.Status.EXTENDED)
ENDING_DAYS = 30


def build(ctx: Context) -> Section:
    figures: dict[str, Count] = {}
    for tag, period in ctx.periods():
        day = period.reference_day(ctx.today)
        decided = on("decision_date", period)
        figures[f"requested_{tag}"] = Count("pk", filter=during("created_at", period))
        figures[f"granted_{tag}"] = Count("pk", filter=decided & Q(status__in=IN_FORCE))
        figures[f"refused_{tag}"] = Count(
            "pk", filter=decided & Q(status=ContactBan.Status.REFUSED)
        )
        figures[f"in_force_{tag}"] = Count(
            "pk",
            filter=Q(status__in=IN_FORCE, valid_from__lte=period.end)
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=period.start)),
        )
        figures[f"ending_{tag}"] = Count(
            "pk",
            filter=Q(
                status__in=IN_FORCE,
                valid_until__gt=day,
                valid_until__lte=day + timedelta(days=ENDING_DAYS),
            ),
        )
    bans = ContactBan.objects.filter(ctx.cases("case__")).aggregate(**figures)
    breaches = ContactBanBreach.objects.filter(ctx.cases("ban__case__")).aggregate(
        cur=Count("pk", filter=on("occurred_on", ctx.current)),
        prev=Count("pk", filter=on("occurred_on", ctx.previous)),
    )

    def pair(name: str) -> tuple:
        return (count(bans[f"{name}_cur"]), count(bans[f"{name}_prev"]))

    decisions = Table(
        "bans_decisions",
        _("Begärda och beslutade förbud"),
        [_("Antal")],
        [
            Row(
                _("Begärda"),
                [pair("requested")],
                _("Kontaktförbud som registrerades som begärda under perioden."),
            ),
            Row(
                _("Beviljade"),
                [pair("granted")],
                _("Kontaktförbud med beslutsdatum inom perioden som är beviljade eller förlängda."),
            ),
            Row(
                _("Avslagna"),
                [pair("refused")],
                _("Kontaktförbud med beslutsdatum inom perioden som avslogs."),
            ),
        ],
        chart=True,
        unit=_("kontaktförbud"),
    )
    follow = Table(
        "bans_breaches",
        _("Överträdelser och förbud som löper ut"),
        [_("Värde")],
        [
            Row(
                _("Överträdelser"),
                [(count(breaches["cur"]), count(breaches["prev"]))],
                _("Registrerade överträdelser som inträffade under perioden."),
            ),
            Row(
                _("Överträdelser per gällande förbud"),
                [
                    (
                        ratio(breaches["cur"], bans["in_force_cur"]),
                        ratio(breaches["prev"], bans["in_force_prev"]),
                    )
                ],
                _(
                    "Periodens överträdelser delat med antalet beviljade förbud som gällde någon "
                    "gång under perioden."
                ),
            ),
            Row(
                _("Förbud som löper ut inom 30 dagar"),
                [pair("ending")],
                _(
                    "Beviljade förbud vars giltighet upphör inom 30 dagar från periodens sista "
                    "dag (i dag om perioden pågår)."
                ),
            ),
        ],
    )
    return Section("bans", _("Kontaktförbud"), [decisions, follow])
