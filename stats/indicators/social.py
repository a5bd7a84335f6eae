"""A social-services head's figures: the organisation's received disclosures, its own
assessments and its own plan commitments. Nothing police-only, nothing of another recipient."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from cases.models import Disclosure, Party, PlanConfirmation, ProtectionPlan
from riskassessment.models import Assessment
from stats.figures import Row, Section, Table, count
from stats.indicators import during
from stats.periods import local_midnight
from stats.registry import Context


def build_disclosures(ctx: Context) -> Section:
    received = Disclosure.objects.filter(
        direction=Disclosure.Direction.TO_SOCIAL, recipient_id__in=ctx.organisation_ids
    )
    by_basis: dict[str, Any] = {
        row["legal_basis"]: row
        for row in received.order_by()
        .values("legal_basis")
        .annotate(
            cur=Count("pk", filter=during("created_at", ctx.current)),
            prev=Count("pk", filter=during("created_at", ctx.previous)),
        )
    }
    figures: dict[str, Count] = {}
    for tag, period in ctx.periods():
        day = period.reference_day(ctx.today)
        figures[f"withdrawn_{tag}"] = Count(
            "pk",
            filter=during("withdrawn_at", period) & Q(legal_basis=Disclosure.LegalBasis.CONSENT),
        )
        # Active at the end of the day: not withdrawn by then, valid on that day.
        figures[f"active_{tag}"] = Count(
            "pk",
            filter=Q(valid_from__lte=day)
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            & (
                Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=local_midnight(day + timedelta(days=1)))
            ),
        )
    totals = received.aggregate(**figures)
    bases = Table(
        "social_by_basis",
        _("Mottagna utlämnanden per rättslig grund"),
        [_("Antal")],
        [
            Row(
                str(label),
                [
                    (
                        count(by_basis.get(value, {}).get("cur")),
                        count(by_basis.get(value, {}).get("prev")),
                    )
                ],
            )
            for value, label in Disclosure.LegalBasis.choices
        ],
        definition=_(
            "Utlämnanden från polisen till organisationen som registrerades under perioden, "
            "fördelade på rättslig grund."
        ),
        chart=True,
        unit=_("utlämnanden"),
    )
    state = Table(
        "social_disclosures",
        _("Utlämnanden till organisationen"),
        [_("Antal")],
        [
            Row(
                _("Gällande utlämnanden vid periodens slut"),
                [(count(totals["active_cur"]), count(totals["active_prev"]))],
                _(
                    "Utlämnanden till organisationen som gällde sista dagen i perioden (i dag om "
                    "perioden pågår)."
                ),
            ),
            Row(
                _("Återkallade samtycken"),
                [(count(totals["withdrawn_cur"]), count(totals["withdrawn_prev"]))],
                _(
                    "Utlämnanden till organisationen med samtycke som grund som återkallades "
                    "under perioden."
                ),
            ),
        ],
    )
    return Section("social_disclosures", _("Utlämnanden"), [state, bases])


def build_own_work(ctx: Context) -> Section:
    own = (
        Assessment.objects.filter(
            status=Assessment.Status.FINAL, organisation_id__in=ctx.organisation_ids
        )
        .order_by()
        .values("instrument__code")
        .annotate(
            name=Min("instrument__name"),
            cur=Count("pk", filter=during("finalised_at", ctx.current)),
            prev=Count("pk", filter=during("finalised_at", ctx.previous)),
        )
        .order_by("name")
    )
    plans = PlanConfirmation.objects.filter(
        organisation_id__in=ctx.organisation_ids,
        party=Party.SOCIAL,
        cleared_at__isnull=True,
        plan__status__in=[ProtectionPlan.Status.AGREED, ProtectionPlan.Status.SUPERSEDED],
    ).aggregate(
        cur=Count("plan", distinct=True, filter=during("plan__agreed_at", ctx.current)),
        prev=Count("plan", distinct=True, filter=during("plan__agreed_at", ctx.previous)),
    )
    assessments = Table(
        "social_assessments",
        _("Egna slutförda bedömningar per instrument"),
        [_("Antal")],
        [Row(row["name"], [(count(row["cur"]), count(row["prev"]))]) for row in own],
        definition=_(
            "Bedömningar som organisationen själv gjort och slutfört under perioden, per "
            "instrument."
        ),
        chart=True,
        unit=_("bedömningar"),
        note=_("Inga egna slutförda bedömningar under perioderna."),
    )
    commitments = Table(
        "social_commitments",
        _("Åtaganden i gemensamma skyddsplaner"),
        [_("Antal")],
        [
            Row(
                _("Överenskomna planversioner som organisationen bekräftat"),
                [(count(plans["cur"]), count(plans["prev"]))],
                _(
                    "Versioner av gemensam skyddsplan, med socialtjänstens åtaganden, som "
                    "organisationen bekräftade och som blev överenskomna under perioden."
                ),
            )
        ],
    )
    return Section("social_work", _("Egna bedömningar och åtaganden"), [assessments, commitments])
