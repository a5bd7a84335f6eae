"""The plan as a document: one structure for the page, the print view and the PDF.

``build_document`` resolves what a reader sees of one version (live data for a draft, the
frozen snapshot for an agreed or superseded version, cut to the reader's scope by
cases.plan.sources); ``render_plan_pdf`` turns it into an A4 PDF with skydd.pdf.render_pdf.
The document holds plain values only, so that bench/bench_pdf.py can render a fictional plan
without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cases.access import CaseAccess
from cases.models import ProtectionPlan
from cases.models.plan import PLAN_TEXT_FIELDS
from cases.plan import sources
from cases.plan.services import visible_parts
from cases.recipients import OTHER_RECIPIENT, shows_confirmation

PDF_TEMPLATE = "cases/plan/plan_pdf.html"


@dataclass(frozen=True)
class PlanDocument:
    reference: str
    number: int
    status: str
    status_label: str
    secrecy_marking: str
    printed_on: str  # YYYY-MM-DD
    texts: dict[str, str]
    sections: dict[str, Any]  # sources.visible(...)
    # Section 4, social services: (organisation, text) per recipient part this reader sees,
    # and whether another recipient has a part of its own (shown to a recipient, unnamed).
    parts: list[tuple[str, str]] = field(default_factory=list)
    other_parts: bool = False
    confirmations: list[dict[str, Any]] = field(default_factory=list)
    agreed_at: datetime | None = None
    frozen_on: str = ""  # the date the filled-in sections were taken (agreed versions)

    @property
    def is_draft(self) -> bool:
        return self.status == ProtectionPlan.Status.DRAFT

    @property
    def is_superseded(self) -> bool:
        return self.status == ProtectionPlan.Status.SUPERSEDED

    @property
    def title(self) -> str:
        """The only PDF metadata: reference and version, never a name."""
        return f"Gemensam skyddsplan {self.reference} v{self.number}"

    @property
    def filename(self) -> str:
        return f"skyddsplan-{self.reference}-v{self.number}.pdf"


def build_document(
    case_access: CaseAccess, plan: ProtectionPlan, *, printed: bool = False
) -> PlanDocument:
    """What this reader sees of this version. Call only after checking scope_plan.
    ``printed`` for the print view and the PDF: no secret dwelling, no protected address
    (cases.plan.sources.visible)."""
    case = case_access.case
    if plan.is_draft:
        data = sources.collect(case)
    else:
        # Agreed or superseded: what was shown when it was agreed – never more than today's
        # protection of persons and dwellings allows.
        assert plan.snapshot is not None
        data = sources.under_current_protection(plan.snapshot)
    # Another recipient organisation's confirmation: that it exists, never who or where.
    confirmations = [
        {
            "party": c.party,
            "party_label": c.get_party_display(),
            "name": c.user_name if shown else str(OTHER_RECIPIENT),
            "organisation": c.organisation_name if shown else str(OTHER_RECIPIENT),
            "at": c.confirmed_at,
        }
        for c in plan.confirmations.filter(cleared_at__isnull=True).order_by("party", "pk")
        for shown in [shows_confirmation(case_access, c.party, c.organisation_id)]
    ]
    parts, other_parts = visible_parts(case_access, plan)
    return PlanDocument(
        reference=case.reference,
        number=plan.number,
        status=plan.status,
        status_label=str(plan.get_status_display()),
        secrecy_marking=case.unit.secrecy_marking,
        printed_on=timezone.localdate().isoformat(),
        texts={name: getattr(plan, name) for name in PLAN_TEXT_FIELDS},
        sections=sources.visible(case_access, data, printed=printed),
        confirmations=confirmations,
        parts=[(part.organisation, part.text) for part in parts],
        other_parts=other_parts,
        agreed_at=plan.agreed_at,
        frozen_on="" if plan.is_draft else data.get("taken_on", ""),
    )


def render_plan_html(document: PlanDocument) -> str:
    """The standalone HTML WeasyPrint renders (all text autoescaped by Django)."""
    return render_to_string(PDF_TEMPLATE, {"doc": document})


def render_plan_pdf(document: PlanDocument) -> bytes:
    # Imported here: WeasyPrint takes a second to import, and every process that loads the
    # URL configuration (management commands, workers) would otherwise pay for it.
    from skydd.pdf import render_pdf

    return render_pdf(
        render_plan_html(document),
        title=document.title,
        secrecy_marking=document.secrecy_marking,
    )
