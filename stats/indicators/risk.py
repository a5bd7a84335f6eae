"""Risk assessment: structured assessment within 14 days of intake (by instrument), days to
the first assessment, reassessments done by their due date. Police assessments only."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from cases.models import ProtectionCase
from riskassessment.models import Assessment, Instrument
from stats.figures import Row, Section, Table, count, days, share
from stats.indicators import on
from stats.indicators.caseload import totals
from stats.registry import Context
from stats.sql import DaysBetween, LocalMidnight, Median

WITHIN_DAYS = 14


def _police_finals() -> Q:
    """Final assessments made by the police unit that owns the case (no join to the
    organisation table: a police assessment is made by the case's unit)."""
    return Q(status=Assessment.Status.FINAL, organisation_id=F("case__unit_id"))


def _instruments() -> list[dict[str, Any]]:
    """The instruments (a handful of rows; every version is its own row), by name in the
    database's collation: the order of the table's rows is their ``MIN(name)``."""
    return [
        dict(row) for row in Instrument.objects.order_by("name", "pk").values("pk", "code", "name")
    ]


def _versions(instruments: list[dict[str, Any]]) -> dict[str, list[int]]:
    """{code: its versions' ids}, the codes in the order of their first name."""
    versions: dict[str, list[int]] = {}
    for instrument in instruments:
        versions.setdefault(instrument["code"], []).append(instrument["pk"])
    return versions


def _figures(ctx: Context, instruments: list[dict[str, Any]]) -> dict[str, Any]:
    """Every figure of the section in one pass over the cases joined to their final
    assessments (issue 16: three passes cost 0.8 s of the national year's page).

    The inner query has one row per case, grouped by the case's id: the assessments of the
    cases opened in the two periods (days to the first, per instrument version the first
    finalisation) and those whose reassessment fell due in them (counted); the outer
    aggregate counts the cases and sums the reassessments. A case opened outside the periods
    is there only for its reassessments: every case figure is filtered by its opening date.

    Grouped by the case's id the rows come in the order of the case and assessment indexes
    (a merge join with case_id_unit_opened, no hash of 100,000 groups). The police
    condition (the assessment's organisation is the case's unit) is in each aggregate's
    filter, not in the join: as a second join key PostgreSQL took it for independent of the
    first and expected 4,000 of 112,000 rows on the national year, and chose parallel
    hashing that spilled to disk. A case whose final assessments are all another
    organisation's has no first assessment (``to_first`` is NULL) and is not counted.
    "Within 14 days" compares the finalisation with the local midnight that ends the 14th
    day (``deadline``): one time-zone conversion per case instead of one per instrument
    version. Pinned by tests/statistics/test_risk_figures.py and test_risk_counting.py
    (against the definitions counted in Python).
    """
    police = Q(assessments__organisation_id=F("unit_id"))
    opened = Q(opened_on__gte=ctx.previous.start, opened_on__lte=ctx.current.end)
    falls_due = Q(
        assessments__next_reassessment_on__gte=ctx.previous.start,
        assessments__next_reassessment_on__lte=ctx.current.reference_day(ctx.today),
    )
    first = Min("assessments__finalised_at", filter=police)
    per_case: dict[str, Any] = {
        # The local date of the earliest finalisation is the earliest local date: the time
        # zone is converted once per case, not once per assessment and figure.
        "to_first": DaysBetween(TruncDate(first), F("opened_on")),
        # Of the case's one opening date: an aggregate, so that it is computed once per
        # case and is not one more grouping key.
        "deadline": LocalMidnight(Min("opened_on"), WITHIN_DAYS + 1),
    }
    for instrument in instruments:
        per_case[f"i{instrument['pk']}"] = Min(
            "assessments__finalised_at",
            filter=police & Q(assessments__instrument_id=instrument["pk"]),
        )
    for tag, period in ctx.periods():
        due = Q(
            assessments__next_reassessment_on__gte=period.start,
            assessments__next_reassessment_on__lte=period.reference_day(ctx.today),
        )
        per_case[f"n_due_{tag}"] = Count("assessments", filter=police & due)
    # A unit's police assessments are made by that unit: said of the assessments too, the
    # planner reads only the units' assessments (by their organisation index).
    by_units = Q() if ctx.national else Q(assessments__organisation_id__in=ctx.organisation_ids)
    cases = (
        ProtectionCase.objects.filter(
            ctx.cases(),
            by_units,
            opened | falls_due,
            assessments__status=Assessment.Status.FINAL,
        )
        .order_by()
        .values("pk", "opened_on")
        .annotate(**per_case)
    )

    def within_with(pks: list[int]) -> Q:
        within = Q()
        for pk in pks:
            within |= Q(**{f"i{pk}__lt": F("deadline")})
        return within

    figures: dict[str, Any] = {}
    for tag, period in ctx.periods():
        assessed = on("opened_on", period) & Q(to_first__isnull=False)
        figures[f"within_{tag}"] = Count("pk", filter=assessed & Q(to_first__lte=WITHIN_DAYS))
        figures[f"assessed_{tag}"] = Count("pk", filter=assessed)
        figures[f"median_{tag}"] = Median("to_first", filter=assessed)
        figures[f"due_{tag}"] = Sum(f"n_due_{tag}")
        for n, pks in enumerate(_versions(instruments).values()):
            figures[f"code{n}_{tag}"] = Count("pk", filter=assessed & within_with(pks))
    # Which version names a code's row (below): needed only for a code with several.
    for pks in _versions(instruments).values():
        for pk in pks if len(pks) > 1 else ():
            figures[f"version{pk}"] = Count("pk", filter=opened & within_with([pk]))
    return cases.aggregate(**figures) | _reassessed(ctx)


def _reassessed(ctx: Context) -> dict[str, Any]:
    """The reassessments due in the periods that were done on time, counted from the
    reassessments' side: a police final reassessment finalised by the date the police final
    assessment it reassesses fell due (few rows: only reassessments have a previous)."""
    figures: dict[str, Count] = {}
    for tag, period in ctx.periods():
        falls_due = Q(
            previous__next_reassessment_on__gte=period.start,
            previous__next_reassessment_on__lte=period.reference_day(ctx.today),
        )
        figures[f"done_{tag}"] = Count("previous_id", distinct=True, filter=falls_due)
    result: dict[str, Any] = Assessment.objects.filter(
        _police_finals(),
        ctx.cases("previous__case__"),
        previous__isnull=False,  # the planner starts from the few reassessments
        previous__status=Assessment.Status.FINAL,
        previous__organisation_id=F("previous__case__unit_id"),
        previous__next_reassessment_on__gte=ctx.previous.start,
        previous__next_reassessment_on__lte=ctx.current.reference_day(ctx.today),
        assessed_on__lte=F("previous__next_reassessment_on"),
    ).aggregate(**figures)
    return result


def _by_instrument(figures: dict[str, Any], instruments: list[dict[str, Any]]) -> list[dict]:
    """Per instrument code, the new cases with an assessment with it within 14 days; a code
    is listed when some case counts in either period, named by the first (in the database's
    order of names) of its versions with such a case – what ``GROUP BY code`` with
    ``MIN(name)`` over the assessments within 14 days gave."""
    versions = _versions(instruments)
    codes = {code: n for n, code in enumerate(versions)}
    rows: dict[str, dict] = {}
    for instrument in instruments:  # by name
        code, pk = instrument["code"], instrument["pk"]
        cur, prev = figures[f"code{codes[code]}_cur"], figures[f"code{codes[code]}_prev"]
        counted = figures[f"version{pk}"] if len(versions[code]) > 1 else cur or prev
        if code not in rows and counted:
            rows[code] = {"name": instrument["name"], "cur": cur, "prev": prev}
    return list(rows.values())


def build(ctx: Context) -> Section:
    new_cases = {key: value for key, value in totals(ctx).items() if key.startswith("new_")}
    versions = _instruments()
    figures = _figures(ctx, versions)
    total = figures | new_cases
    reassess = figures
    per_instrument = _by_instrument(figures, versions)

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
