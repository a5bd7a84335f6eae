"""Names as a reader may see them (issue 10): a recipient organisation never learns of
another recipient – its name, unit or staff – anywhere (journal, assignees, plan
confirmations, assessors). The police see everything in full. Who may see the case at all
is decided in ``cases.access``; this module only says how names are shown within it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organisation, User
from cases.access import CaseAccess

OTHER_RECIPIENT = gettext_lazy("annan mottagare")


def own_recipient_ids(case_access: CaseAccess) -> frozenset[int]:
    """The reader's own recipient organisations of this case (social services)."""
    return frozenset(d.recipient_id for d in case_access.disclosures)


def shows_organisation(case_access: CaseAccess, organisation: Organisation | None) -> bool:
    """Police see every organisation; a recipient sees itself and the police, never
    another social-services organisation."""
    if case_access.is_police or organisation is None:
        return True
    if organisation.kind != Organisation.Kind.SOCIAL_SERVICES:
        return True
    return organisation.pk in own_recipient_ids(case_access)


def masked_user_ids(case_access: CaseAccess) -> frozenset[int]:
    """Users whose names a recipient must not see: members of another social-services
    organisation who are not also members of the reader's own. Empty for police readers.
    One query per request (kept on the access object)."""
    if case_access.is_police:
        return frozenset()
    cached: frozenset[int] | None = case_access.__dict__.get("_masked_users")
    if cached is None:
        own = own_recipient_ids(case_access)
        cached = frozenset(
            Membership.objects.filter(organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
            .exclude(organisation_id__in=own)
            .exclude(user__memberships__organisation_id__in=own)
            .values_list("user_id", flat=True)
        )
        object.__setattr__(case_access, "_masked_users", cached)
    return cached


def shown_user(case_access: CaseAccess, user: User | None) -> str:
    """A user's name as this reader may see it ("annan mottagare" for another recipient)."""
    if user is None:
        return ""
    if user.pk in masked_user_ids(case_access):
        return str(OTHER_RECIPIENT)
    return user.full_name


def shown_organisation(case_access: CaseAccess, organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    if shows_organisation(case_access, organisation):
        return organisation.name
    return str(OTHER_RECIPIENT)


def shows_confirmation(case_access: CaseAccess, party: str, organisation_id: int) -> bool:
    """A plan confirmation by another recipient organisation is shown without its name."""
    return (
        case_access.is_police
        or party != "social"
        or organisation_id in (own_recipient_ids(case_access))
    )
