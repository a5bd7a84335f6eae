"""Names as a reader may see them (issue 10): a recipient organisation never learns of
another recipient – its name, unit or staff – anywhere (journal, assignees, plan
confirmations, assessors). The police see everything in full. Who may see the case at all
is decided in ``cases.access``; this module only says how names are shown within it.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organisation, User
from cases import extensions
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


def masked_user_ids(case_access: CaseAccess, user_id: int | None = None) -> frozenset[int]:
    """Users whose names a recipient must not see: members of another social-services
    organisation who are not also members of the reader's own (any membership, active or
    not). Empty for police readers.

    Decided for the users the case's rows name (``extensions.case_user_columns``: journal
    authors, follow-up assignees, assessors …) and ``user_id``, in one statement on the
    first call of a request, kept on the access object; a user those rows do not name is
    decided alone when asked for. Deciding for every social-services user in the country
    was 2,700 ids and 6–8 ms on every case page of a social-services reader (issue 16)."""
    if case_access.is_police:
        return frozenset()
    state: _Masks | None = case_access.__dict__.get("_masks")
    if state is None:
        state = _Masks()
        object.__setattr__(case_access, "_masks", state)
        state.decide(case_access, user_id, with_case_users=True)
    elif user_id is not None and user_id not in state.decided:
        state.decide(case_access, user_id, with_case_users=False)
    return frozenset(state.masked)


class _Masks:
    """The users decided so far on one access object, and which of them are masked."""

    def __init__(self) -> None:
        self.decided: set[int] = set()
        self.masked: set[int] = set()

    def decide(self, case_access: CaseAccess, user_id: int | None, with_case_users: bool) -> None:
        quote = connection.ops.quote_name
        sources: list[str] = []
        params: list[int] = []
        if with_case_users:
            for label, field_name in extensions.case_user_columns:
                opts = apps.get_model(label)._meta
                column = quote(str(opts.get_field(field_name).column))
                case_column = quote(str(opts.get_field("case").column))
                sources.append(
                    f"SELECT {column} AS uid FROM {quote(opts.db_table)} "  # noqa: S608 - names only
                    f"WHERE {case_column} = %s"
                )
                params.append(case_access.case.pk)
        if user_id is not None:
            sources.append("SELECT %s AS uid")
            params.append(user_id)
        if not sources:
            return
        own = sorted(own_recipient_ids(case_access))
        # No own organisation (not a recipient at all): every social-services user is masked.
        in_own = f"IN ({', '.join(['%s'] * len(own))})" if own else "IS NULL"
        memberships = quote(Membership._meta.db_table)
        statement = (
            f"SELECT c.uid, EXISTS (SELECT 1 FROM {memberships} m "  # noqa: S608 - names only
            f"JOIN {quote(Organisation._meta.db_table)} o ON o.id = m.organisation_id "
            f"WHERE m.user_id = c.uid AND o.kind = %s AND NOT (m.organisation_id {in_own})) "
            f"AND NOT EXISTS (SELECT 1 FROM {memberships} m "
            f"WHERE m.user_id = c.uid AND m.organisation_id {in_own}) "
            f"FROM ({' UNION '.join(sources)}) c WHERE c.uid IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                statement, [Organisation.Kind.SOCIAL_SERVICES.value, *own, *own, *params]
            )
            rows = cursor.fetchall()
        for uid, masked in rows:
            self.decided.add(uid)
            if masked:
                self.masked.add(uid)
        if user_id is not None:
            self.decided.add(user_id)


def shown_user(case_access: CaseAccess, user: User | None) -> str:
    """A user's name as this reader may see it ("annan mottagare" for another recipient)."""
    if user is None:
        return ""
    if user.pk in masked_user_ids(case_access, user.pk):
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
