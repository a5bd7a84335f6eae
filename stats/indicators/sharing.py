"""Sharing and access: disclosures by legal basis, consents withdrawn, break-the-glass.

The share of break-the-glass openings that a head has reviewed counts the openings that have
a ``BreakGlassReview`` (cases/breakglass.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.models import BreakGlassAccess, Disclosure
from stats.figures import Row, Section, Table, Value, count, share
from stats.indicators import during
from stats.registry import Context


def build(ctx: Context) -> Section:
    disclosures = Disclosure.objects.filter(ctx.cases("case__"))
    by_basis: dict[str, Any] = {
        row["legal_basis"]: row
        for row in disclosures.order_by()
        .values("legal_basis")
        .annotate(
            cur=Count("pk", filter=during("created_at", ctx.current)),
            prev=Count("pk", filter=during("created_at", ctx.previous)),
        )
    }
    withdrawn = disclosures.filter(legal_basis=Disclosure.LegalBasis.CONSENT).aggregate(
        cur=Count("pk", filter=during("withdrawn_at", ctx.current)),
        prev=Count("pk", filter=during("withdrawn_at", ctx.previous)),
    )
    glass: dict[str, Count] = {}
    for tag, period in ctx.periods():
        glass[f"opened_{tag}"] = Count("pk", filter=during("granted_at", period))
        glass[f"reviewed_{tag}"] = Count(
            "pk", filter=during("granted_at", period) & Q(review__isnull=False)
        )
    openings = BreakGlassAccess.objects.filter(ctx.cases("case__")).aggregate(**glass)

    def reviewed_share(tag: str) -> Value:
        return share(openings[f"reviewed_{tag}"], openings[f"opened_{tag}"])

    bases = Table(
        "sharing_by_basis",
        _("Utlämnanden per rättslig grund"),
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
            "Utlämnanden av ärenden (till socialtjänsten eller tillbaka till polisen) som "
            "registrerades under perioden, fördelade på rättslig grund."
        ),
        chart=True,
        unit=_("utlämnanden"),
    )
    access = Table(
        "sharing_access",
        _("Samtycken och nödåtkomst"),
        [_("Värde")],
        [
            Row(
                _("Återkallade samtycken"),
                [(count(withdrawn["cur"]), count(withdrawn["prev"]))],
                _("Utlämnanden med samtycke som grund som återkallades under perioden."),
            ),
            Row(
                _("Öppningar med nödåtkomst"),
                [(count(openings["opened_cur"]), count(openings["opened_prev"]))],
                _(
                    "Gånger en kollega bröt förseglingen och öppnade ett ärende med angivet skäl "
                    "under perioden."
                ),
            ),
            Row(
                _("Andel nödåtkomster som granskats"),
                [(reviewed_share("cur"), reviewed_share("prev"))],
                _("Andel av periodens nödåtkomster som enhetschefen har granskat."),
            ),
        ],
    )
    return Section("sharing", _("Utlämnande och åtkomst"), [bases, access])
