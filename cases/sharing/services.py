"""State changes of disclosures. Each takes the acting user, checks permission, writes and
journals in one transaction. Views call these and redirect.

Journal texts name organisations only – never persons, consent givers or free-text reasons –
and are police-internal: a "shared" entry is read by every social-services organisation with
access to the case, and "disclosed to Socialtjänsten Sala" read in Köping can tell where a
protected person has moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from cases import access, errors, guard, journal
from cases.models import Disclosure, JournalEntry, ProtectionCase
from cases.models.disclosure import SCOPE_FIELDS
from cases.services import ConflictError
from cases.sharing import policy


def _police_editor(actor: User, case: ProtectionCase) -> access.CaseAccess:
    """Only police with may_edit (responsible handler or head) disclose and withdraw."""
    case_access = guard.access_for_change(actor, case, need="edit")
    guard.require(policy.may_withdraw(case_access))
    return case_access


def create_disclosure(
    actor: User,
    case: ProtectionCase,
    *,
    recipient: Organisation,
    legal_basis: str,
    scopes: Iterable[str],
    valid_from: date,
    valid_until: date | None = None,
    legal_basis_text: str = "",
    consent_given_by: str = "",
    consent_form: str = "",
    consent_date: date | None = None,
) -> Disclosure:
    """Disclose the case to a social-services organisation for a scope and a time."""
    case_access = _police_editor(actor, case)
    if recipient.kind != Organisation.Kind.SOCIAL_SERVICES or not recipient.is_active:
        raise errors.Invalid(
            _("Välj en socialtjänst som mottagare (polisenheter tar inte emot utlämnanden)."),
            field="recipient",
        )
    scopes = set(scopes)
    if not scopes or not scopes <= set(SCOPE_FIELDS):
        raise errors.Invalid(_("Välj vilka uppgifter som lämnas ut."), field="scope")
    if legal_basis != Disclosure.LegalBasis.CONSENT:
        consent_given_by, consent_form, consent_date = "", "", None
    if legal_basis != Disclosure.LegalBasis.OTHER:
        legal_basis_text = ""
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        disclosure = Disclosure.objects.create(
            case=case,
            direction=Disclosure.Direction.TO_SOCIAL,
            recipient=recipient,
            legal_basis=legal_basis,
            legal_basis_text=legal_basis_text.strip(),
            consent_given_by=consent_given_by.strip(),
            consent_form=consent_form,
            consent_date=consent_date,
            valid_from=valid_from,
            valid_until=valid_until,
            created_by=actor,
            **{name: name in scopes for name in SCOPE_FIELDS},
        )
        journal.record(
            case,
            actor,
            "disclosed",
            visibility=JournalEntry.Visibility.POLICE_INTERNAL,
            organisation=case_access.organisation,
            recipient=recipient.name,
            basis=disclosure.legal_basis,
            valid_from=valid_from.isoformat(),
            until=valid_until.isoformat() if valid_until else "",
            scopes=sorted(disclosure.scope()),
        )
    return disclosure


def withdraw_disclosure(actor: User, disclosure: Disclosure, reason: str) -> Disclosure:
    """Withdraw: the recipient loses access on its next request (cases.access checks
    withdrawn_at on every read). Raises ConflictError if someone withdrew it already."""
    case_access = _police_editor(actor, disclosure.case)
    reason = reason.strip()
    if not reason:
        raise errors.Invalid(_("Ange ett skäl till återkallelsen."), field="reason")
    with transaction.atomic():
        # Compare-and-set: of two people withdrawing at once, one wins and one is told.
        updated = Disclosure.objects.filter(pk=disclosure.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawal_reason=reason
        )
        if updated != 1:
            raise ConflictError(_("Utlämnandet är redan återkallat."))
        disclosure.refresh_from_db()
        journal.record(
            disclosure.case,
            actor,
            "disclosure_withdrawn",
            visibility=JournalEntry.Visibility.POLICE_INTERNAL,
            organisation=case_access.organisation,
            recipient=disclosure.recipient.name,
        )
    return disclosure


def assignable_handlers(organisation: Organisation) -> QuerySet[User]:
    """Active handlers of the recipient organisation: the only users a head may assign."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__is_active=True,
            memberships__role=Membership.Role.HANDLER,
        )
        .distinct()
        .order_by("full_name")
    )


def headed_disclosure(case_access: access.CaseAccess, user: User, pk: int) -> Disclosure:
    """The active disclosure ``pk`` of this case to an organisation the user heads, or
    ``NotAllowed`` (answered 404)."""
    for disclosure in case_access.disclosures:
        if disclosure.pk == pk and policy.may_assign_handlers(case_access, user, disclosure):
            return disclosure
    raise errors.NotAllowed()


def handlers_fingerprint(disclosure: Disclosure) -> str:
    """The assigned handlers as loaded, to notice another head's save in between."""
    return ",".join(str(pk) for pk in sorted(disclosure.handlers.values_list("pk", flat=True)))


def set_disclosure_handlers(
    actor: User,
    disclosure: Disclosure,
    handlers: Iterable[User],
    *,
    expected: str | None = None,
) -> Disclosure:
    """The recipient's head decides which of its handlers may see the disclosed case.

    ``expected`` is ``handlers_fingerprint`` as the form was loaded: if another head saved a
    different assignment since, ConflictError instead of silently undoing their change.
    """
    case_access = guard.access_for_change(actor, disclosure.case)
    disclosure = headed_disclosure(case_access, actor, disclosure.pk)
    chosen = list(handlers)
    allowed = set(assignable_handlers(disclosure.recipient).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in chosen):
        raise errors.Invalid(
            _("Bara handläggare i den mottagande organisationen kan tilldelas."), field="handlers"
        )
    with transaction.atomic():
        guard.ensure_open(disclosure.case, lock=True)
        Disclosure.objects.select_for_update().filter(pk=disclosure.pk).first()
        if expected is not None and handlers_fingerprint(disclosure) != expected:
            raise ConflictError(
                _(
                    "En annan chef har ändrat tilldelningen sedan du öppnade sidan. Kontrollera "
                    "valen nedan och spara igen."
                )
            )
        disclosure.handlers.set(chosen)
        journal.record(
            disclosure.case,
            actor,
            "disclosure_handlers",
            visibility=JournalEntry.Visibility.POLICE_INTERNAL,
            organisation=disclosure.recipient,
            recipient=disclosure.recipient.name,
            count=len(chosen),
        )
    return disclosure
