"""Risk assessment: structured assessment within 14 days of intake (by instrument), days to
the first assessment, reassessments done by their due date. Police assessments only."""

from __future__ import annotations

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from riskassessment.models import Assessment
from stats.figures import Row, Section, Table, count, days, share
from stats.indicators import on
from stats.indicators.caseload import totals
from stats.registry import Context
from stats.sql import DaysBetween, Median

WITHIN_DAYS = 14


def _police_finals() -> Q:
    """Final assessments made by the police unit that owns the case (no join to the
    organisation table: a police assessment is made by the case's unit)."""
    return Q(status=Assessment.Status.FINAL, organisation_id=F("case__unit_id"))


def build(ctx: Context) -> Section:
    both = Q(case__opened_on__gte=ctx.previous.start, case__opened_on__lte=ctx.current.end)
    new_cases = {key: value for key, value in totals(ctx).items() if key.startswith("new_")}
    # One row per new case with a police assessment: days from opening to the first one.
    firsts = (
        Assessment.objects.filter(_police_finals(), ctx.cases("case__"), both)
        .order_by()
        .values("case_id", "case__opened_on")
        .annotate(to_first=DaysBetween(Min(TruncDate("finalised_at")), F("case__opened_on")))
    )
    figures: dict[str, Count | Median] = {}
    for tag, period in ctx.periods():
        new = on("case__opened_on", period)
        figures[f"within_{tag}"] = Count("case_id", filter=new & Q(to_first__lte=WITHIN_DAYS))
        figures[f"assessed_{tag}"] = Count("case_id", filter=new)
        figures[f"median_{tag}"] = Median("to_first", filter=new)
    total = firsts.aggregate(**figures) | new_cases

    # Per instrument: new cases with a final assessment with that instrument within 14 days.
    per_instrument = (
        Assessment.objects.filter(_police_finals(), ctx.cases("case__"), both)
        .annotate(after=DaysBetween(TruncDate("finalised_at"), F("case__opened_on")))
        .filter(after__lte=WITHIN_DAYS)
        .order_by()
        .values("instrument__code")
        .annotate(
            name=Min("instrument__name"),
            cur=Count("case", distinct=True, filter=on("case__opened_on", ctx.current)),
            prev=Count("case", distinct=True, filter=on("case__opened_on", ctx.previous)),
        )
        .order_by("name")
    )

    # Reassessments that fell due (up to today) and whether one was finalised by the date.
    done = Assessment.objects.filter(
        _police_finals(),
        previous=OuterRef("pk"),
        assessed_on__lte=OuterRef("next_reassessment_on"),
    )
    due: dict[str, Count] = {}
    for tag, period in ctx.periods():
        falls_due = Q(
            next_reassessment_on__gte=period.start,
            next_reassessment_on__lte=period.reference_day(ctx.today),
        )
        due[f"due_{tag}"] = Count("pk", filter=falls_due)
        due[f"done_{tag}"] = Count("pk", filter=falls_due & Q(on_time=True))
    reassess = (
        Assessment.objects.filter(
            _police_finals(),
            ctx.cases("case__"),
            next_reassessment_on__gte=ctx.previous.start,
            next_reassessment_on__lte=ctx.current.reference_day(ctx.today),
        )
        .annotate(on_time=Exists(done))
        .aggregate(**due)
    )

    summary = Table(
        "risk_summary",
        _("Bedömningar och omprövningar"),
        [_("Värde")],
        [
            Row(
                _("Nya ärenden med slutförd strukturerad bedömning inom 14 dagar"),
                [
                    (
                        share(total["within_cur"], total["new_cur"]),
                        share(total["within_prev"], total["new_prev"]),
                    )
                ],
                _(
                    "Andel av periodens nya ärenden där polisen slutförde en bedömning med ett "
                    "instrument senast 14 dagar efter öppningsdatum."
                ),
            ),
            Row(
                _("Mediantid till första bedömningen (dagar)"),
                [
                    (
                        days(total["median_cur"], total["assessed_cur"]),
                        days(total["median_prev"], total["assessed_prev"]),
                    )
                ],
                _(
                    "Mittvärdet av antalet dagar från öppnande till polisens första slutförda "
                    "bedömning, för periodens nya ärenden som har en sådan."
                ),
            ),
            Row(
                _("Omprövningar gjorda senast på utsatt dag"),
                [
                    (
                        share(reassess["done_cur"], reassess["due_cur"]),
                        share(reassess["done_prev"], reassess["due_prev"]),
                    )
                ],
                _(
                    "Andel av slutförda bedömningar vars omprövningsdatum inföll under perioden "
                    "(till och med i dag) där en omprövning slutfördes senast det datumet."
                ),
            ),
        ],
    )
    instruments = Table(
        "risk_by_instrument",
        _("Bedömning inom 14 dagar per instrument"),
        [_("Andel av nya ärenden"), _("Antal ärenden")],
        [
            Row(
                row["name"],
                [
                    (share(row["cur"], total["new_cur"]), share(row["prev"], total["new_prev"])),
                    (count(row["cur"]), count(row["prev"])),
                ],
            )
            for row in per_instrument
        ],
        definition=_(
            "Andel och antal av periodens nya ärenden där polisen slutförde en bedömning med "
            "instrumentet senast 14 dagar efter öppningsdatum; ett ärende kan räknas under "
            "flera instrument."
        ),
        chart=True,
        unit="%",
        note=_("Inga slutförda bedömningar inom 14 dagar under perioderna."),
    )
    return Section("risk", _("Hot- och riskbedömning"), [summary, instruments])
