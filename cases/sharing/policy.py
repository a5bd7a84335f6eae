"""Who may do what with the sharing of a case, on top of ``cases.access``.

Asked alike by the views, the sharing panel (and so its template) and the services in
``cases.sharing.services``:
- police with edit rights on the case (responsible handler, head) disclose it to social
  services while it is open, and withdraw a disclosure (also after closing: withdrawing only
  takes access away);
- police readers see every disclosure of the case; a social-services reader only the active
  disclosures that give them access;
- the head of a recipient organisation assigns which of its handlers see a disclosed case;
- the responsible handlers and the head read the case's access log.

Whether someone may break the glass is part of the access decision (``cases.access``).
"""

from __future__ import annotations

from accounts.models import User
from cases import access
from cases.access import CaseAccess
from cases.models import Disclosure


def may_disclose(case_access: CaseAccess) -> bool:
    return may_withdraw(case_access) and case_access.case.is_open


def may_withdraw(case_access: CaseAccess) -> bool:
    return case_access.is_police and case_access.may_edit


def sees_every_disclosure(case_access: CaseAccess) -> bool:
    """Police see all disclosures of the case; social services never who else got it."""
    return case_access.is_police


def may_assign_handlers(case_access: CaseAccess, user: User, disclosure: Disclosure) -> bool:
    """The reader heads the recipient of this active disclosure, through which they read
    the case (police never assign the recipient's handlers)."""
    if case_access.is_police:
        return False
    headed = access.headed_social_org_ids(user)
    return any(
        own.pk == disclosure.pk and own.recipient_id in headed for own in case_access.disclosures
    )


def may_read_access_log(case_access: CaseAccess) -> bool:
    return case_access.may_manage
