"""State changes of the joint protection plan. Each takes the acting user and the CaseAccess
(resolved by cases.access in the view), checks the party's right, writes, and journals.

Parties: police (a handler who may edit the case: responsible handler or head) and social
services (a reader through an active disclosure whose scope includes the plan). Each party
writes its own commitments in section 4 and neither can write the other's; the other
sections are joint text. Any change of a draft clears the confirmations given so far, so
that both parties confirm the same content.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import errors
from cases.access import CaseAccess
from cases.models import JournalEntry, Party, PlanConfirmation, ProtectionCase, ProtectionPlan
from cases.models.plan import PLAN_TEXT_FIELDS, FrozenPlanError
from cases.plan import sources
from cases.services import ConflictError, journal

__all__ = [
    "EDITABLE_BY",
    "ConflictError",
    "FrozenPlanError",
    "PlanError",
    "TextUpdate",
    "confirm",
    "current_plan",
    "party_of",
    "standing_confirmations",
    "start_version",
    "update_texts",
]

JOINT_FIELDS = ("introduction", "threat_text", "measures_text", "follow_up_text")
EDITABLE_BY: dict[str, tuple[str, ...]] = {
    Party.POLICE: (*JOINT_FIELDS, "police_commitments"),
    Party.SOCIAL: (*JOINT_FIELDS, "social_commitments"),
}
# Sorted in section order for the journal.
_SECTION_OF = {
    "introduction": "1",
    "threat_text": "2",
    "measures_text": "3",
    "police_commitments": "4",
    "social_commitments": "4",
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


def party_of(case_access: CaseAccess) -> str | None:
    """The party this reader acts for on the plan, or None (read-only or no plan access)."""
    if case_access.is_police:
        # Break-the-glass access is read-only: a colleague never signs for the unit.
        return Party.POLICE if case_access.may_edit else None
    if case_access.shows("scope_plan"):
        return Party.SOCIAL
    return None


def _require_party(case_access: CaseAccess) -> str:
    party = party_of(case_access)
    if party is None:
        raise PermissionError("Only the police unit and social services with the plan in scope")
    return party


def _require_open(case: ProtectionCase) -> None:
    if not case.is_open:
        raise PlanError(_("Ärendet är avslutat. Skyddsplanen kan inte ändras."))


def current_plan(case: ProtectionCase) -> ProtectionPlan | None:
    """The newest version (draft, agreed – or superseded only if nothing newer exists)."""
    return ProtectionPlan.objects.filter(case=case).order_by("-number").first()


def standing_confirmations(plan: ProtectionPlan) -> dict[str, PlanConfirmation]:
    """Confirmations that still count, by party."""
    return {c.party: c for c in plan.confirmations.filter(cleared_at__isnull=True).order_by("pk")}


def _check_plan(case_access: CaseAccess, plan: ProtectionPlan) -> None:
    if plan.case_id != case_access.case.pk:
        raise PermissionError("The plan does not belong to this case")


def start_version(user: User, case_access: CaseAccess) -> ProtectionPlan:
    """Start the next version: the first one, or one copying the texts of the agreed version,
    which is superseded now. Refused while a draft exists (edit that one instead)."""
    _require_party(case_access)
    case = case_access.case
    _require_open(case)
    with transaction.atomic():
        # Serialise concurrent starts on the same case (the unique constraint would catch it,
        # but as an error page rather than a message).
        ProtectionCase.objects.select_for_update().filter(pk=case.pk).first()
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
        text = f"Skyddsplan version {number} påbörjad."
        if latest is not None and latest.status == ProtectionPlan.Status.SUPERSEDED:
            text += f" Version {latest.number} är ersatt."
        journal(
            case,
            user,
            text,
            visibility=JournalEntry.Visibility.SHARED,
            organisation=case_access.organisation,
        )
    return plan


def update_texts(
    user: User,
    case_access: CaseAccess,
    plan: ProtectionPlan,
    *,
    expected_version: int,
    changes: Mapping[str, str],
) -> TextUpdate:
    """Save the party's texts of a draft; saving unchanged texts changes nothing (and keeps
    the confirmations).

    Raises PermissionError for a text of the other party, FrozenPlanError for an agreed or
    superseded version, ConflictError when someone saved since ``expected_version``.
    """
    party = _require_party(case_access)
    _check_plan(case_access, plan)
    not_allowed = set(changes) - set(EDITABLE_BY[party])
    if not_allowed:
        raise PermissionError(f"Party {party} may not write {sorted(not_allowed)}")
    _require_open(case_access.case)
    with transaction.atomic():
        locked = ProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        if not locked.is_draft:
            raise FrozenPlanError(f"Plan {locked.pk} is {locked.status}")
        if locked.version != expected_version:
            raise ConflictError(f"Plan {locked.pk} is at {locked.version}, not {expected_version}")
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return TextUpdate(changed=False, cleared_confirmations=0)
        for name in changed:
            setattr(locked, name, changes[name])
        locked.version += 1
        locked.updated_by = user
        locked.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
        cleared = locked.confirmations.filter(cleared_at__isnull=True).update(
            cleared_at=timezone.now()
        )
        sections = ", ".join(sorted({_SECTION_OF[name] for name in changed}))
        text = f"Skyddsplan version {locked.number} ändrad (avsnitt {sections})."
        if cleared:
            text += " Tidigare bekräftelser nollställdes."
        journal(
            locked.case,
            user,
            text,
            visibility=JournalEntry.Visibility.SHARED,
            organisation=case_access.organisation,
        )
    plan.refresh_from_db()
    return TextUpdate(changed=True, cleared_confirmations=cleared)


def confirm(
    user: User, case_access: CaseAccess, plan: ProtectionPlan, *, expected_version: int
) -> ProtectionPlan:
    """Confirm the draft as seen at ``expected_version`` for the user's party. When both
    parties have confirmed, the version is agreed and its filled-in sections are frozen."""
    party = _require_party(case_access)
    _check_plan(case_access, plan)
    _require_open(case_access.case)
    with transaction.atomic():
        locked = ProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        if not locked.is_draft:
            raise FrozenPlanError(f"Plan {locked.pk} is {locked.status}")
        if locked.version != expected_version:
            raise ConflictError(f"Plan {locked.pk} is at {locked.version}, not {expected_version}")
        if locked.confirmations.filter(party=party, cleared_at__isnull=True).exists():
            raise PlanError(_("Er part har redan bekräftat den här versionen."))
        PlanConfirmation.objects.create(
            plan=locked,
            party=party,
            user=user,
            user_name=user.full_name,
            organisation=case_access.organisation,
            organisation_name=case_access.organisation.name,
            plan_version=locked.version,
        )
        journal(
            locked.case,
            user,
            f"Skyddsplan version {locked.number} bekräftad av {Party(party).label.lower()}.",
            visibility=JournalEntry.Visibility.SHARED,
            organisation=case_access.organisation,
        )
        parties = set(
            locked.confirmations.filter(cleared_at__isnull=True).values_list("party", flat=True)
        )
        if parties >= {Party.POLICE, Party.SOCIAL}:
            locked.status = ProtectionPlan.Status.AGREED
            locked.agreed_at = timezone.now()
            locked.snapshot = sources.collect(locked.case)
            locked.save(update_fields=["status", "agreed_at", "snapshot", "updated_at"])
            journal(
                locked.case,
                user,
                f"Skyddsplan version {locked.number} är överenskommen.",
                visibility=JournalEntry.Visibility.SHARED,
                organisation=case_access.organisation,
            )
    plan.refresh_from_db()
    return plan
