"""Sharing and access: disclosures by legal basis, consents withdrawn, break-the-glass.

The share of break-the-glass openings that a head has reviewed needs the review of issue 15;
until ``BreakGlassAccess`` has a ``reviewed_at`` field the row says so instead of a figure.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.models import BreakGlassAccess, Disclosure
from stats.figures import NOT_AVAILABLE, Row, Section, Table, Value, count, share
from stats.indicators import during
from stats.registry import Context


def review_field_exists() -> bool:
    return any(f.name == "reviewed_at" for f in BreakGlassAccess._meta.get_fields())


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
    reviewed = review_field_exists()
    glass: dict[str, Count] = {}
    for tag, period in ctx.periods():
        glass[f"opened_{tag}"] = Count("pk", filter=during("granted_at", period))
        if reviewed:
            glass[f"reviewed_{tag}"] = Count(
                "pk", filter=during("granted_at", period) & Q(reviewed_at__isnull=False)
            )
    openings = BreakGlassAccess.objects.filter(ctx.cases("case__")).aggregate(**glass)

    def reviewed_share(tag: str) -> Value:
        if not reviewed:
            return NOT_AVAILABLE
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
                _(
                    "Andel av periodens nödåtkomster som enhetschefen har granskat."
                    if reviewed
                    else "Andel av periodens nödåtkomster som enhetschefen har granskat; "
                    "granskningen finns ännu inte i Skydd och visas när den har införts."
                ),
            ),
        ],
    )
    return Section("sharing", _("Utlämnande och åtkomst"), [bases, access])
