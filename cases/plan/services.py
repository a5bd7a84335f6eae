"""State changes of the joint protection plan. Each takes the acting user and the plan (or the
case), resolves the actor's access through cases.access itself, checks the party's right
(``cases.plan.policy``), refuses a closed case, writes, and journals.

Parties: police (a handler who may edit the case: responsible handler or head) and social
services (a reader through an active disclosure whose scope includes the plan). Each party
writes its own commitments in section 4 and neither can write the other's; the other
sections are joint text. Social services' commitments are one part per recipient
organisation (PlanPart): each recipient writes, reads and confirms only its own, the
police read every part (issue 10).

Any change of a draft bumps its version (one counter: a confirmation names the content
read) and clears the confirmations of everyone who saw the change: a joint or police text
clears them all; a recipient's own part clears the police's and that recipient's only –
another recipient never sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases import errors, guard, journal
from cases.access import CaseAccess
from cases.models import (
    Disclosure,
    JournalEntry,
    Party,
    PlanConfirmation,
    PlanPart,
    ProtectionCase,
    ProtectionPlan,
)
from cases.models.plan import PLAN_TEXT_FIELDS, FrozenPlanError
from cases.plan import sources
from cases.plan.policy import EDITABLE_BY, OWN_PART, part_organisation, party_of
from cases.recipients import OTHER_RECIPIENT, own_recipient_ids
from cases.services import ConflictError

__all__ = [
    "EDITABLE_BY",
    "OWN_PART",
    "ConflictError",
    "FrozenPlanError",
    "PartView",
    "PlanError",
    "TextUpdate",
    "confirm",
    "current_plan",
    "has_confirmed",
    "missing_confirmations",
    "party_of",
    "plan_recipients",
    "saved_texts",
    "standing_confirmations",
    "start_version",
    "update_texts",
    "visible_parts",
    "waiting_for",
]

# Sorted in section order for the journal.
_SECTION_OF = {
    "introduction": "1",
    "threat_text": "2",
    "measures_text": "3",
    "police_commitments": "4",
    OWN_PART: "4",
    "follow_up_text": "5",
}

DEFAULT_INTRODUCTION = (
    "Skyddsplanen avser skyddspersonen och dennes familjemedlemmar, som på olika sätt kan komma "
    "att bli berörda av att skyddspersonen är hotad."
)


class TextUpdate(NamedTuple):
    changed: bool
    cleared_confirmations: int


class PlanError(errors.Invalid):
    """A plan action that cannot be done now; the message is shown to the user (Swedish)."""


class PartView(NamedTuple):
    """One recipient's part of section 4 as a reader sees it."""

    organisation: str
    text: str


def _party_access(actor: User, case: ProtectionCase) -> tuple[CaseAccess, str]:
    case_access = guard.access_for_change(actor, case)
    party = party_of(case_access)
    guard.require(party is not None)
    assert party is not None
    return case_access, party


def current_plan(case: ProtectionCase) -> ProtectionPlan | None:
    """The newest version (draft, agreed – or superseded only if nothing newer exists)."""
    return ProtectionPlan.objects.filter(case=case).order_by("-number").first()


def standing_confirmations(plan: ProtectionPlan) -> list[PlanConfirmation]:
    """Confirmations that still count: the police's, and one per recipient organisation."""
    return list(plan.confirmations.filter(cleared_at__isnull=True).order_by("party", "pk"))


def plan_recipients(case: ProtectionCase) -> set[int]:
    """The social-services organisations that take part in the plan now: recipients of an
    active disclosure of the case whose scope includes the plan. Each confirms for itself;
    one organisation's confirmation neither stands for nor locks out another (issue 10)."""
    return set(
        Disclosure.objects.active()
        .filter(case=case, direction=Disclosure.Direction.TO_SOCIAL, scope_plan=True)
        .values_list("recipient_id", flat=True)
    )


def _part_organisation_ids(plan: ProtectionPlan) -> set[int]:
    """The organisations that have (or are to write) a part of this version: those that
    wrote one, those that confirmed it, and – while a draft – the current recipients."""
    ids = set(plan.parts.values_list("organisation_id", flat=True))
    ids |= set(
        plan.confirmations.filter(party=Party.SOCIAL, cleared_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    if plan.is_draft:
        ids |= plan_recipients(plan.case)
    return ids


def visible_parts(case_access: CaseAccess, plan: ProtectionPlan) -> tuple[list[PartView], bool]:
    """(the parts of section 4 this reader sees, whether another recipient has a part).

    The police see every part, named by organisation. A recipient sees its own part only
    and is at most told that another recipient has one of its own – never whose or what.
    """
    texts = dict(plan.parts.values_list("organisation_id", "text"))
    if case_access.is_police:
        organisations = Organisation.objects.filter(pk__in=_part_organisation_ids(plan))
        return [
            PartView(org.name, texts.get(org.pk, "")) for org in organisations.order_by("name")
        ], False
    own = part_organisation(case_access)
    if own is None:
        return [], False
    others = bool(_part_organisation_ids(plan) - {own.pk})
    return [PartView(own.name, texts.get(own.pk, ""))], others


def saved_texts(case_access: CaseAccess, plan: ProtectionPlan) -> dict[str, str]:
    """The texts as saved now that this reader may write or read on the edit page: the
    plan's own texts, and a recipient's own part (``OWN_PART``)."""
    texts = {name: getattr(plan, name) for name in PLAN_TEXT_FIELDS}
    own = part_organisation(case_access)
    if own is not None:
        part = plan.parts.filter(organisation=own).first()
        texts[OWN_PART] = part.text if part is not None else ""
    return texts


def has_confirmed(standing: list[PlanConfirmation], case_access: CaseAccess) -> bool:
    """Has the reader's own party (police) or organisation (a recipient) confirmed?"""
    party = party_of(case_access)
    if party == Party.POLICE:
        return any(c.party == Party.POLICE for c in standing)
    return any(
        c.party == Party.SOCIAL and c.organisation_id in own_recipient_ids(case_access)
        for c in standing
    )


def missing_confirmations(
    plan: ProtectionPlan, standing: list[PlanConfirmation]
) -> tuple[bool, set[int]]:
    """(police still to confirm, recipient organisations still to confirm). Without any
    current recipient one social-services confirmation is enough (as before)."""
    police_missing = not any(c.party == Party.POLICE for c in standing)
    confirmed = {c.organisation_id for c in standing if c.party == Party.SOCIAL}
    required = plan_recipients(plan.case)
    if not required:
        return police_missing, set() if confirmed else {0}
    return police_missing, required - confirmed


def waiting_for(case_access: CaseAccess, plan: ProtectionPlan) -> list[str]:
    """Who is still to confirm, as this reader may be told: the police see the recipient
    organisations by name; a recipient sees itself as "Socialtjänsten" and any other as
    "annan mottagare"."""
    standing = standing_confirmations(plan)
    police_missing, missing = missing_confirmations(plan, standing)
    labels = [str(Party.POLICE.label)] if police_missing else []
    if 0 in missing:
        return [*labels, str(Party.SOCIAL.label)]
    if case_access.is_police:
        names = Organisation.objects.filter(pk__in=missing).order_by("name")
        return [*labels, *(org.name for org in names)]
    own = own_recipient_ids(case_access)
    if missing & own:
        labels.append(str(Party.SOCIAL.label))
    if missing - own:
        labels.append(str(OTHER_RECIPIENT))
    return labels


def _locked_draft(plan: ProtectionPlan, expected_version: int) -> ProtectionPlan:
    """The plan row under a lock: still a draft, at the version the user loaded."""
    locked = ProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not locked.is_draft:
        raise FrozenPlanError(
            _("Versionen har blivit överenskommen och kan inte ändras. Starta en ny version.")
        )
    if locked.version != expected_version:
        raise ConflictError()
    return locked


def start_version(actor: User, case: ProtectionCase) -> ProtectionPlan:
    """Start the next version: the first one, or one copying the texts of the agreed version,
    which is superseded now. Refused while a draft exists (edit that one instead)."""
    user = actor
    case_access, _party = _party_access(actor, case)
    with transaction.atomic():
        # Serialise concurrent starts on the same case (the unique constraint would catch it,
        # but as an error page rather than a message).
        guard.ensure_open(case, lock=True)
        latest = ProtectionPlan.objects.filter(case=case).order_by("-number").first()
        if latest is not None and latest.is_draft:
            raise PlanError(
                _("Det finns redan ett utkast (version %(number)s). Ändra det i stället.")
                % {"number": latest.number}
            )
        if latest is None:
            texts = {"introduction": DEFAULT_INTRODUCTION}
            number = 1
        else:
            texts = {name: getattr(latest, name) for name in PLAN_TEXT_FIELDS}
            number = latest.number + 1
            if latest.is_agreed:
                latest.status = ProtectionPlan.Status.SUPERSEDED
                latest.superseded_at = timezone.now()
                latest.save(update_fields=["status", "superseded_at", "updated_at"])
        plan = ProtectionPlan.objects.create(
            case=case, number=number, created_by=user, updated_by=user, **texts
        )
        if latest is not None:
            PlanPart.objects.bulk_create(
                PlanPart(plan=plan, organisation_id=org_id, text=text, updated_by=user)
                for org_id, text in latest.parts.values_list("organisation_id", "text")
            )
        then = []
        if latest is not None and latest.status == ProtectionPlan.Status.SUPERSEDED:
            then.append(("plan_superseded", {"number": latest.number}))
        journal.record(
            case,
            user,
            "plan_started",
            visibility=JournalEntry.Visibility.SHARED,
            organisation=case_access.organisation,
            number=number,
            then=then,
        )
    return plan


def update_texts(
    actor: User,
    plan: ProtectionPlan,
    *,
    expected_version: int,
    changes: Mapping[str, str],
) -> TextUpdate:
    """Save the party's texts of a draft; saving unchanged texts changes nothing (and keeps
    the confirmations). ``OWN_PART`` is a recipient's own part of section 4: always the
    part of the actor's own organisation – there is no way to name another's.

    Raises NotAllowed for a text of the other party, FrozenPlanError for an agreed or
    superseded version, ConflictError when someone saved since ``expected_version``.
    """
    user = actor
    case_access, party = _party_access(actor, plan.case)
    guard.require(set(changes) <= set(EDITABLE_BY[party]))
    own = part_organisation(case_access) if OWN_PART in changes else None
    guard.require(OWN_PART not in changes or own is not None)
    with transaction.atomic():
        guard.ensure_open(plan.case, lock=True)
        locked = _locked_draft(plan, expected_version)
        part = None
        if own is not None:
            part = (
                PlanPart.objects.select_for_update().filter(plan=locked, organisation=own).first()
            )
        saved = {name: getattr(locked, name) for name in PLAN_TEXT_FIELDS}
        saved[OWN_PART] = part.text if part is not None else ""
        changed = [name for name, value in changes.items() if saved[name] != value]
        if not changed:
            return TextUpdate(changed=False, cleared_confirmations=0)
        plan_fields = [name for name in changed if name != OWN_PART]
        for name in plan_fields:
            setattr(locked, name, changes[name])
        if OWN_PART in changed:
            assert own is not None
            if part is None:
                part = PlanPart(plan=locked, organisation=own)
            part.text = changes[OWN_PART]
            part.updated_by = user
            part.save()
        locked.version += 1
        locked.updated_by = user
        locked.save(update_fields=[*plan_fields, "version", "updated_by", "updated_at"])
        standing = locked.confirmations.filter(cleared_at__isnull=True)
        if not plan_fields:
            # Only the recipient's own part: nobody else among the recipients saw it.
            assert own is not None
            standing = standing.filter(Q(party=Party.POLICE) | Q(organisation=own))
        cleared = standing.update(cleared_at=timezone.now())
        journal.record(
            locked.case,
            user,
            "plan_changed",
            visibility=JournalEntry.Visibility.SHARED,
            organisation=case_access.organisation,
            number=locked.number,
            sections=", ".join(sorted({_SECTION_OF[name] for name in changed})),
            then=[("plan_confirmations_cleared", {})] if cleared else [],
        )
    plan.refresh_from_db()
    return TextUpdate(changed=True, cleared_confirmations=cleared)


def confirm(actor: User, plan: ProtectionPlan, *, expected_version: int) -> ProtectionPlan:
    """Confirm the draft as seen at ``expected_version`` for the user's party. When both
    parties have confirmed, the version is agreed and its filled-in sections are frozen."""
    user = actor
    case_access, party = _party_access(actor, plan.case)
    organisation = part_organisation(case_access) or case_access.organisation
    with transaction.atomic():
        guard.ensure_open(plan.case, lock=True)
        locked = _locked_draft(plan, expected_version)
        if locked.confirmations.filter(
            party=party, organisation=organisation, cleared_at__isnull=True
        ).exists():
            raise PlanError(_("Er organisation har redan bekräftat den här versionen."))
        PlanConfirmation.objects.create(
            plan=locked,
            party=party,
            user=user,
            user_name=user.full_name,
            organisation=organisation,
            organisation_name=organisation.name,
            plan_version=locked.version,
        )
        journal.record(
            locked.case,
            user,
            "plan_confirmed",
            visibility=JournalEntry.Visibility.SHARED,
            organisation=case_access.organisation,
            number=locked.number,
            party=party,
        )
        police_missing, missing = missing_confirmations(locked, standing_confirmations(locked))
        if not police_missing and not missing:
            locked.status = ProtectionPlan.Status.AGREED
            locked.agreed_at = timezone.now()
            locked.snapshot = sources.collect(locked.case)
            locked.save(update_fields=["status", "agreed_at", "snapshot", "updated_at"])
            journal.record(
                locked.case,
                user,
                "plan_agreed",
                visibility=JournalEntry.Visibility.SHARED,
                organisation=case_access.organisation,
                number=locked.number,
            )
    plan.refresh_from_db()
    return plan
