"""Follow-up: done by the due date, overdue, open cases without a planned follow-up."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from cases.models import FollowUp, ProtectionCase
from stats.figures import Row, Section, Table, count, share
from stats.indicators import open_on
from stats.periods import local_midnight
from stats.registry import Context


def build(ctx: Context) -> Section:
    figures: dict[str, Count] = {}
    for tag, period in ctx.periods():
        day = period.reference_day(ctx.today)
        falls_due = Q(due_date__gte=period.start, due_date__lte=day)
        figures[f"due_{tag}"] = Count("pk", filter=falls_due)
        figures[f"ontime_{tag}"] = Count("pk", filter=falls_due & Q(done_on__lte=F("due_date")))
        figures[f"overdue_{tag}"] = Count(
            "pk", filter=Q(due_date__lt=day) & (Q(done_on__isnull=True) | Q(done_on__gt=day))
        )
    follow_ups = FollowUp.objects.filter(ctx.cases("case__")).aggregate(**figures)

    # Open cases without a follow-up that is planned (not done) at the end of the day: an
    # anti-join per reference day, which PostgreSQL runs as one hash anti join.
    cases = ProtectionCase.objects.filter(ctx.cases())
    unplanned = {}
    for tag, period in ctx.periods():
        day = period.reference_day(ctx.today)
        planned = FollowUp.objects.filter(
            Q(done_on__isnull=True) | Q(done_on__gt=day),
            case=OuterRef("pk"),
            created_at__lt=local_midnight(day + timedelta(days=1)),
        )
        unplanned[tag] = cases.filter(open_on(day)).filter(~Exists(planned)).count()

    table = Table(
        "followup_summary",
        _("Uppföljningar i tid"),
        [_("Värde")],
        [
            Row(
                _("Uppföljningar gjorda senast på utsatt dag"),
                [
                    (
                        share(follow_ups["ontime_cur"], follow_ups["due_cur"]),
                        share(follow_ups["ontime_prev"], follow_ups["due_prev"]),
                    )
                ],
                _(
                    "Andel av uppföljningarna med sista datum inom perioden (till och med i dag) "
                    "som markerades utförda senast det datumet."
                ),
            ),
            Row(
                _("Försenade uppföljningar vid periodens slut"),
                [(count(follow_ups["overdue_cur"]), count(follow_ups["overdue_prev"]))],
                _(
                    "Uppföljningar vars sista datum hade passerats utan att de var utförda, "
                    "räknat sista dagen i perioden (i dag om perioden pågår)."
                ),
            ),
            Row(
                _("Öppna ärenden utan planerad uppföljning (målet är noll)"),
                [(count(unplanned["cur"]), count(unplanned["prev"]))],
                _(
                    "Ärenden som var öppna sista dagen i perioden utan någon ej utförd "
                    "uppföljning; varje öppet ärende ska alltid ha nästa uppföljning bokad."
                ),
            ),
        ],
    )
    return Section("followup", _("Uppföljning"), [table])
