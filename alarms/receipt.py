"""The loan receipt (*kvittens och instruktioner*) as a PDF through skydd.pdf.render_pdf,
with the unit's secrecy marking and "Sida X av Y" like the joint plan.

It carries the device kind and serial, the dates, how to raise the alarm, the rules (keep it
charged, never lend it) and whom to call; of the carrier the role and name only – never an
address, a personnummer or a secret dwelling. The PDF metadata is the reference alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from alarms.models import Loan
from cases.access import CaseAccess

TEMPLATE = "alarms/receipt_pdf.html"


@dataclass(frozen=True)
class Receipt:
    reference: str
    unit_name: str
    secrecy_marking: str
    printed_on: str
    kind_name: str
    serial: str
    instructions: str
    carrier: str
    started_on: str
    review_on: str
    return_by: str
    acknowledged_on: str
    handler: str
    without_assessment: bool
    checks: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Kvittens larmutrustning {self.reference}"

    @property
    def filename(self) -> str:
        return f"larmkvittens-{self.reference}-{self.started_on}.pdf"


def build(case_access: CaseAccess, loan: Loan, carrier_label: str) -> Receipt:
    case = case_access.case
    device = loan.device
    return Receipt(
        reference=case.reference,
        unit_name=case.unit.name,
        secrecy_marking=case.unit.secrecy_marking,
        printed_on=timezone.localdate().isoformat(),
        kind_name=device.kind.name,
        serial=device.serial,
        instructions=device.kind.instructions,
        carrier=carrier_label,
        started_on=loan.started_on.isoformat(),
        review_on=loan.review_on.isoformat(),
        return_by=loan.return_by.isoformat() if loan.return_by else "",
        acknowledged_on=loan.acknowledged_on.isoformat() if loan.acknowledged_on else "",
        handler=case_access.user.full_name,
        without_assessment=loan.without_assessment,
    )


def render_html(receipt: Receipt) -> str:
    return render_to_string(TEMPLATE, {"doc": receipt})


def render(receipt: Receipt) -> bytes:
    # Imported here: WeasyPrint takes a second to import (see cases/plan/pdf.py).
    from skydd.pdf import render_pdf

    return render_pdf(
        render_html(receipt), title=receipt.title, secrecy_marking=receipt.secrecy_marking
    )
