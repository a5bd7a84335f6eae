"""Alarm loans (issue 12's devices, loans, decisions and activations): loans started and
active, the basis of the lending decision, loans with a real alarm, loan length, reviews on
time, devices by status. Police and national audiences only: device data is police-internal,
so a social-services head never gets this section.

Loans are counted by the unit that owns the device (``device.unit``), not through the case: a
purged case leaves its loans with the case reference only (``case`` is NULL), and they still
belong to the unit's figures. Five aggregate queries, whatever the number of loans.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from stats.figures import Row, Section, Table, count, days, share
from stats.indicators import during, on
from stats.periods import Period, local_midnight
from stats.registry import Context
from stats.sql import DaysBetween, Median


def installed() -> bool:
    """The section's ``available``: alarms.models is imported inside the functions below, so
    that this module loads (and the page works without the section) without the app."""
    return apps.is_installed("alarms")


def _active_on(day: date) -> Q:
    """A loan lent out at the end of ``day`` (a loan ended that day is back)."""
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def _loans(ctx: Context) -> dict[str, Any]:
    """The loans' figures: an aggregate over the loans, one over the lending decisions and one
    over the real alarms. No subquery per loan: PostgreSQL priced the three ``EXISTS`` per
    loan and period at 0.9 M on the national data and spent 1.5 s compiling the query (JIT)
    to run it in 60 ms (issue 16)."""
    from alarms.models import AlarmEvent, Loan, LoanDecision

    figures: dict[str, Any] = {}
    decisions: dict[str, Count] = {}
    alarms: dict[str, Count] = {}
    for tag, period in ctx.periods():
        day = period.reference_day(ctx.today)
        started = on("started_on", period)
        ended = on("ended_on", period)
        # Lent out at some time during the period (up to today).
        during_period = Q(started_on__lte=day) & (
            Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
        )
        length = DaysBetween(F("ended_on"), F("started_on"))
        figures |= {
            f"started_{tag}": Count("pk", filter=started),
            f"active_{tag}": Count("pk", filter=_active_on(day)),
            f"lent_{tag}": Count("pk", filter=during_period),
            f"ended_{tag}": Count("pk", filter=ended),
            f"median_{tag}": Median(length, filter=ended),
            f"mean_{tag}": Avg(length, filter=ended),
        }
        # The period's new loans whose lending decision rested on a structured assessment
        # or on a written reason (a loan with decisions of both kinds counts under both).
        new_loan = on("loan__started_on", period)
        decisions |= {
            f"structured_{tag}": Count(
                "loan", distinct=True, filter=new_loan & Q(without_assessment=False)
            ),
            f"written_{tag}": Count(
                "loan", distinct=True, filter=new_loan & Q(without_assessment=True)
            ),
        }
        # Real alarms in the period, and the loans lent during it that had one.
        lent = Q(loan__started_on__lte=day) & (
            Q(loan__ended_on__isnull=True) | Q(loan__ended_on__gte=period.start)
        )
        alarm = during("occurred_at", period)
        alarms |= {
            f"alarms_{tag}": Count("pk", filter=alarm),
            f"alarmed_{tag}": Count("loan", distinct=True, filter=alarm & lent),
        }
    result: dict[str, Any] = Loan.objects.filter(
        ctx.cases("device__"), started_on__lte=ctx.current.end
    ).aggregate(**figures)
    result |= LoanDecision.objects.filter(
        ctx.cases("loan__device__"),
        kind=LoanDecision.Kind.INITIAL,
        loan__started_on__gte=ctx.previous.start,
        loan__started_on__lte=ctx.current.end,
    ).aggregate(**decisions)
    real = AlarmEvent.objects.filter(ctx.cases("loan__device__"), kind=AlarmEvent.Kind.REAL)
    result |= real.aggregate(**alarms)
    return result


def _reviews(ctx: Context) -> dict[str, Any]:
    """Lending and review decisions whose review date fell due in the period (up to today)
    while the loan still ran, and whether the loan was reviewed (a new review decision) or
    ended by that date – ending the loan completes its review follow-up in alarms.loans too.
    A loan ended before its review date had nothing due."""
    from alarms.models import LoanDecision

    reviewed = LoanDecision.objects.filter(
        loan=OuterRef("loan"),
        kind=LoanDecision.Kind.REVIEW,
        pk__gt=OuterRef("pk"),
        decided_on__lte=OuterRef("review_on"),
    )
    on_time = Q(reviewed=True) | Q(loan__ended_on__lte=F("review_on"))
    figures: dict[str, Count] = {}
    for tag, period in ctx.periods():
        falls_due = Q(review_on__gte=period.start, review_on__lte=period.reference_day(ctx.today))
        figures[f"due_{tag}"] = Count("pk", filter=falls_due)
        figures[f"done_{tag}"] = Count("pk", filter=falls_due & on_time)
    result: dict[str, Any] = (
        LoanDecision.objects.filter(
            Q(loan__ended_on__isnull=True) | Q(loan__ended_on__gte=F("review_on")),
            ctx.cases("loan__device__"),
            review_on__gte=ctx.previous.start,
            review_on__lte=ctx.current.reference_day(ctx.today),
        )
        .annotate(reviewed=Exists(reviewed))
        .aggregate(**figures)
    )
    return result


def _devices(ctx: Context) -> dict[tuple[str, str], int]:
    """{(status, period tag): devices} at the end of each period's reference day, read from
    the devices' change history; one grouped query (a few rows: status now × status then).
    A device added after the day has no status then and is not counted."""
    from alarms.models import Device

    history = Device.history.model.objects  # type: ignore[attr-defined]

    def status_at(period: Period) -> Subquery:
        end_of_day = local_midnight(period.reference_day(ctx.today) + timedelta(days=1))
        return Subquery(
            history.filter(id=OuterRef("pk"), history_date__lt=end_of_day)
            .order_by("-history_date", "-history_id")
            .values("status")[:1]
        )

    result: dict[tuple[str, str], int] = {}
    for row in (
        Device.objects.filter(ctx.cases())
        .annotate(cur=status_at(ctx.current), prev=status_at(ctx.previous))
        .order_by()
        .values("cur", "prev")
        .annotate(n=Count("pk"))
    ):
        for tag in ("cur", "prev"):
            key = (row[tag], tag)
            result[key] = result.get(key, 0) + row["n"]
    return result


def build(ctx: Context) -> Section:
    from alarms.models import Device

    loans = _loans(ctx)
    reviews = _reviews(ctx)
    devices = _devices(ctx)

    def pair(name: str) -> tuple:
        return (count(loans[f"{name}_cur"]), count(loans[f"{name}_prev"]))

    def share_of(n: str, d: str, figures: dict[str, Any] = loans) -> tuple:
        return (
            share(figures[f"{n}_cur"], figures[f"{d}_cur"]),
            share(figures[f"{n}_prev"], figures[f"{d}_prev"]),
        )

    def length(name: str) -> tuple:
        return (
            days(loans[f"{name}_cur"], loans["ended_cur"]),
            days(loans[f"{name}_prev"], loans["ended_prev"]),
        )

    summary = Table(
        "alarms_loans",
        _("Lån av larmutrustning"),
        [_("Värde")],
        [
            Row(
                _("Lån som började under perioden"),
                [pair("started")],
                _("Lån av larmutrustning med utlåningsdatum inom perioden."),
            ),
            Row(
                _("Pågående lån vid periodens slut"),
                [pair("active")],
                _(
                    "Lån som var utlånade och inte avslutade sista dagen i perioden (i dag om "
                    "perioden pågår)."
                ),
            ),
            Row(
                _("Lån med minst ett skarpt larm"),
                [share_of("alarmed", "lent")],
                _(
                    "Andel av lånen som pågick någon gång under perioden där minst ett skarpt "
                    "larm (inte test eller av misstag) utlöstes under perioden."
                ),
            ),
            Row(
                _("Skarpa larm"),
                [(count(loans["alarms_cur"]), count(loans["alarms_prev"]))],
                _("Registrerade larmhändelser av typen skarpt larm som inträffade under perioden."),
            ),
            Row(
                _("Avslutade lån"),
                [pair("ended")],
                _("Lån som återlämnades eller där enheten rapporterades förlorad under perioden."),
            ),
            Row(
                _("Medianlängd för avslutade lån (dagar)"),
                [length("median")],
                _(
                    "Mittvärdet av antalet dagar från utlåning till avslut (återlämnad eller "
                    "förlorad) för lån som avslutades under perioden."
                ),
            ),
            Row(
                _("Medellängd för avslutade lån (dagar)"),
                [length("mean")],
                _(
                    "Medelvärdet av antalet dagar från utlåning till avslut för lån som "
                    "avslutades under perioden."
                ),
            ),
            Row(
                _("Översyner gjorda senast på utsatt dag"),
                [share_of("done", "due", reviews)],
                _(
                    "Andel av lånebesluten vars översynsdatum inföll under perioden (till och "
                    "med i dag) medan lånet pågick där lånet senast det datumet omprövades med "
                    "ett nytt beslut eller avslutades."
                ),
            ),
        ],
    )
    basis = Table(
        "alarms_basis",
        _("Underlag för beslut om utlåning"),
        [_("Andel av nya lån"), _("Antal lån")],
        [
            Row(
                _("Strukturerad bedömning"),
                [share_of("structured", "started"), pair("structured")],
                _(
                    "Periodens nya lån där beslutet om utlåning grundades på en slutförd "
                    "strukturerad hot- och riskbedömning."
                ),
            ),
            Row(
                _("Utan strukturerad bedömning"),
                [share_of("written", "started"), pair("written")],
                _(
                    "Periodens nya lån där beslutet om utlåning grundades på ett skriftligt "
                    "skäl i stället för en slutförd strukturerad bedömning."
                ),
            ),
        ],
        chart=True,
        unit="%",
    )
    by_status = Table(
        "alarms_devices",
        _("Larmenheter per status"),
        [_("Enheter")],
        [
            Row(
                str(label),
                [(count(devices.get((value, "cur"))), count(devices.get((value, "prev"))))],
            )
            for value, label in Device.Status.choices
        ],
        definition=_(
            "Larmenheterna fördelade på den status de hade vid slutet av periodens sista dag "
            "(i dag om perioden pågår), enligt enheternas ändringshistorik."
        ),
        chart=True,
        unit=_("enheter"),
    )
    return Section("alarms", _("Larmutrustning"), [summary, basis, by_status])
