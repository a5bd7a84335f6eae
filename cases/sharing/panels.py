"""The sharing panel on the case page (registered in cases/panels.py PROVIDERS).

Police readers see every disclosure of the case with its state; those who may edit get the
actions. A social-services reader sees only the active disclosures that give them access
(CaseAccess.disclosures), without actions. The access-log link is for may_manage only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from cases import caserows
from cases.access import CaseAccess
from cases.models import Disclosure
from cases.models.disclosure import SCOPE_FIELDS
from cases.sharing import policy

STATE_LABELS = {
    "active": _("Aktivt"),
    "pending": _("Kommande"),
    "expired": _("Upphört"),
    "withdrawn": _("Återkallat"),
}


@dataclass
class DisclosureRow:
    disclosure: Disclosure
    state: str
    state_label: str
    scope_labels: list[str]
    headed: bool = False
    handlers: list[Any] = field(default_factory=list)


def disclosure_rows(
    disclosures: Sequence[Disclosure], *, with_handlers: bool = True
) -> list[DisclosureRow]:
    """Display rows; ``handlers`` is read from a prefetch when the caller made one."""
    rows = []
    for disclosure in disclosures:
        state = disclosure.state
        scope = disclosure.scope()
        rows.append(
            DisclosureRow(
                disclosure=disclosure,
                state=state,
                state_label=str(STATE_LABELS[state]),
                scope_labels=[str(label) for name, label in SCOPE_FIELDS.items() if name in scope],
                handlers=list(disclosure.handlers.all()) if with_handlers else [],
            )
        )
    return rows


def case_panel(case_access: CaseAccess) -> dict[str, Any]:
    case = case_access.case
    if policy.sees_every_disclosure(case_access):
        disclosures: Sequence[Disclosure] = caserows.disclosures(case_access)
        prefetch_related_objects(disclosures, "handlers")
        rows = disclosure_rows(disclosures)
    else:
        # Only the reader's own active disclosures; never who else the case went to, and
        # never the recipient's handler list (the head manages that on the shared page).
        rows = disclosure_rows(case_access.disclosures, with_handlers=False)
    return {
        "template": "cases/sharing/_panel.html",
        "anchor": "sharing-heading",
        "title": _("Utlämnande"),
        "case_key": case.key,
        "rows": rows,
        "is_police": case_access.is_police,
        "may_edit": policy.may_withdraw(case_access),
        "may_disclose": policy.may_disclose(case_access),
        "may_manage": policy.may_read_access_log(case_access),
    }
