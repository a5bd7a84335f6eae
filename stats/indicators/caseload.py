"""Cases: open, new, closed, by category; median time to closing; case load per handler."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from cases.models import ProtectionCase, ProtectionCaseUserObjectPermission
from stats.figures import NOT_AVAILABLE, Row, Section, Table, count, days
from stats.indicators import on, open_on
from stats.registry import Context
from stats.sql import DaysBetween, Median

LOAD_BUCKETS = [
    ("lt10", "<10", Q(n__lt=10)),
    ("10_19", "10–19", Q(n__gte=10, n__lt=20)),
    ("20_29", "20–29", Q(n__gte=20, n__lt=30)),
    ("30", "30+", Q(n__gte=30)),
]


def _figures(ctx: Context) -> dict[str, Count]:
    figures: dict[str, Count] = {}
    for tag, period in ctx.periods():
        end = period.reference_day(ctx.today)
        figures[f"open_{tag}"] = Count("pk", filter=open_on(end))
        figures[f"new_{tag}"] = Count("pk", filter=on("opened_on", period))
        figures[f"closed_{tag}"] = Count("pk", filter=on("closed_on", period))
    return figures


def by_category(ctx: Context) -> dict[str, dict[str, int]]:
    """Open, new and closed cases per category and period; one grouped query per page
    (other sections take their totals of new cases from it)."""
    if "by_category" not in ctx.memo:
        ctx.memo["by_category"] = {
            row["category"]: row
            for row in ProtectionCase.objects.filter(ctx.cases(), opened_on__lte=ctx.current.end)
            .order_by()
            .values("category")
            .annotate(**_figures(ctx))
        }
    result: dict[str, dict[str, int]] = ctx.memo["by_category"]
    return result


def totals(ctx: Context) -> dict[str, int]:
    """The sums over the categories (a handful of rows, not cases)."""
    keys = [f"{m}_{tag}" for m in ("open", "new", "closed") for tag in ("cur", "prev")]
    rows = by_category(ctx).values()
    return {key: sum(row[key] for row in rows) for key in keys}


def build(ctx: Context) -> Section:
    rows = by_category(ctx)
    total = totals(ctx)
    total |= ProtectionCase.objects.filter(
        ctx.cases(), closed_on__gte=ctx.previous.start, closed_on__lte=ctx.current.end
    ).aggregate(
        **{
            f"median_{tag}": Median(
                DaysBetween(F("closed_on"), F("opened_on")), filter=on("closed_on", period)
            )
            for tag, period in ctx.periods()
        }
    )
    # The permission's id as a literal: joined by codename, PostgreSQL misjudges the join
    # (1 row in 186 permissions) and loops over every case (0.5 s at 200,000 cases).
    view = Permission.objects.get(codename="view_protectioncase", content_type__app_label="cases")
    load = (
        ProtectionCaseUserObjectPermission.objects.filter(
            ctx.cases("content_object__"),
            permission_id=view.pk,
            content_object__status=ProtectionCase.Status.OPEN,
        )
        .order_by()
        .values("user")
        .annotate(n=Count("content_object"))
        .aggregate(**{key: Count("user", filter=q) for key, _label, q in LOAD_BUCKETS})
    )

    summary = Table(
        "cases_summary",
        _("Antal ärenden"),
        [_("Antal")],
        [
            Row(
                _("Öppna ärenden vid periodens slut"),
                [(count(total["open_cur"]), count(total["open_prev"]))],
                _("Ärenden som var öppna sista dagen i perioden (i dag om perioden pågår)."),
            ),
            Row(
                _("Nya ärenden"),
                [(count(total["new_cur"]), count(total["new_prev"]))],
                _("Ärenden med öppningsdatum inom perioden."),
            ),
            Row(
                _("Avslutade ärenden"),
                [(count(total["closed_cur"]), count(total["closed_prev"]))],
                _("Ärenden som avslutades inom perioden och inte har återöppnats."),
            ),
            Row(
                _("Mediantid från öppnande till avslut (dagar)"),
                [
                    (
                        days(total["median_cur"], total["closed_cur"]),
                        days(total["median_prev"], total["closed_prev"]),
                    )
                ],
                _(
                    "Mittvärdet av antalet dagar från öppnande till avslut för periodens "
                    "avslutade ärenden."
                ),
            ),
        ],
    )
    categories = Table(
        "cases_by_category",
        _("Ärenden per kategori"),
        [_("Nya"), _("Avslutade"), _("Öppna vid periodens slut")],
        [
            Row(
                str(label),
                [
                    (
                        count(rows.get(value, {}).get(f"{m}_cur")),
                        count(rows.get(value, {}).get(f"{m}_prev")),
                    )
                    for m in ("new", "closed", "open")
                ],
            )
            for value, label in ProtectionCase.Category.choices
        ],
        definition=_(
            "Nya, avslutade och öppna ärenden enligt ovan, fördelade på ärendets kategori."
        ),
        chart=True,
        unit=_("ärenden"),
    )
    caseload = Table(
        "cases_load",
        _("Ärendebelastning per handläggare"),
        [_("Handläggare")],
        [Row(label, [(count(load[key]), NOT_AVAILABLE)]) for key, label, _q in LOAD_BUCKETS],
        definition=_(
            "Antal ansvariga handläggare fördelade efter hur många öppna ärenden var och en "
            "har i dag; tilldelningar sparas inte bakåt i tiden, så föregående period saknas."
        ),
        chart=True,
        unit=_("handläggare"),
    )
    return Section("cases", _("Ärenden"), [summary, categories, caseload])
