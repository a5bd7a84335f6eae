"""Persons, participants and secret dwellings of a case, and editing the case itself."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases import errors, guard, journal
from cases.models import (
    Participant,
    Person,
    ProtectionCase,
    SecretDwelling,
)
from cases.models.persons import CONTACT_FIELDS, personnummer_hmac
from cases.services.common import (
    CASE_OTHER_LABELS,
    CASE_PROTECTED_LABELS,
    PERSON_OTHER_LABELS,
    PERSON_PROTECTED_LABELS,
    ConflictError,
    _edit_access,
    _stamp,
    change_reason,
    changed_labels,
)
from cases.services.handlers import create_case, unit_handlers
from cases.services.identity import PersonMatch, find_or_create_person, strongest_protection
from cases.services.removal import removal_of

# --- persons --------------------------------------------------------------------------------

# The person's own fields: identity and protection level, the same in every case. The
# contact details (CONTACT_FIELDS) are the case's, on the participant row.
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "personnummer",
    "date_of_birth",
    "protection",
)


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    """The person fields from a form's cleaned data; ``personnummer`` already normalised."""
    values = {name: data.get(name) for name in PERSON_FIELDS}
    for name in PERSON_FIELDS:
        if values[name] is None and name != "date_of_birth":
            values[name] = "" if name != "protection" else Person.Protection.NONE
    return values


def contact_values(data: dict[str, Any]) -> dict[str, str]:
    """The contact details typed for this case (never taken from another case's row)."""
    return {name: (data.get(name) or "").strip() for name in CONTACT_FIELDS}


def _person_for(
    user: User,
    case: ProtectionCase,
    data: dict[str, Any],
    role: str,
    matches: list[PersonMatch] | None,
) -> Person:
    """The existing person with this personnummer, or a new one; a match is journalled on
    the case (for the head of the unit: without anything about the other case) and
    appended to ``matches`` for the view to tell the handler."""
    person, match = find_or_create_person(user, _person_values(data), role=role, case=case)
    if match is not None:
        journal.record(case, user, "person_already_registered", organisation=case.unit, role=role)
        if match.elsewhere:
            journal.record(case, user, "person_match_elsewhere", organisation=case.unit, role=role)
        if match.raised_to:
            journal.record(
                case,
                user,
                "protection_raised",
                organisation=case.unit,
                role=role,
                level=match.raised_to,
            )
        if matches is not None:
            matches.append(match)
    return person


FAMILY_ROLES = (Participant.Role.CHILD, Participant.Role.RELATIVE)


def proposed_protection(case: ProtectionCase, role: str) -> str:
    """Protection follows the family: a child or relative added to a case whose protected
    person has protected personal data is proposed the same (the highest) level."""
    if role not in FAMILY_ROLES:
        return Person.Protection.NONE
    levels = Person.objects.filter(
        participations__case=case, participations__role=Participant.Role.PROTECTED
    ).values_list("protection", flat=True)
    return strongest_protection(list(levels))


def _role_label(role: str) -> str:
    return str(Participant.Role(role).label).lower()


def open_case(
    user: User,
    *,
    unit: Organisation,
    category: str,
    threat_picture: str = "",
    restricted: bool = False,
    responsible: list[User] | None = None,
    protected: dict[str, Any],
    threat_actor: dict[str, Any] | None = None,
    threat_actor_details: dict[str, str] | None = None,
    opened_on: date | None = None,
    matches: list[PersonMatch] | None = None,
) -> ProtectionCase:
    """Intake: the case, its protected person and optionally a threat actor, all or nothing.
    ``threat_actor_details`` (``relationship``, ``note``) is stored on the threat actor's
    participation; without a threat actor it is refused.

    A personnummer already registered uses that person (see cases.services.identity);
    what the handler may be told about it is appended to ``matches``."""
    others = [u for u in responsible or [] if u.pk != user.pk]
    allowed = {u.pk for u in unit_handlers([unit.pk])}
    if any(u.pk not in allowed for u in others):
        raise errors.Invalid(
            _("Ansvariga handläggare måste tillhöra ärendets enhet."), field="responsible"
        )
    details = {k: v for k, v in (threat_actor_details or {}).items() if v}
    if details and not threat_actor:
        raise errors.Invalid(
            _("Fyll i hotutövarens uppgifter, eller lämna relation och anteckning tomma."),
            field="relationship" if "relationship" in details else "note",
        )
    with transaction.atomic():
        case = create_case(
            user,
            unit=unit,
            category=category,
            threat_picture=threat_picture,
            restricted=restricted,
            opened_on=opened_on,
            responsible=others,
        )
        roles = [(Participant.Role.PROTECTED, protected)]
        if threat_actor:
            roles.append((Participant.Role.THREAT_ACTOR, threat_actor))
        for role, data in roles:
            person = _person_for(user, case, data, role, matches)
            if case.participants.filter(person=person).exists():
                raise errors.Invalid(
                    _("Samma personnummer kan inte vara både skyddsperson och hotutövare."),
                    field="personnummer",
                )
            # What the handler typed, for this case only: a matched person's details in
            # another case are neither shown nor copied.
            Participant.objects.create(
                case=case,
                person=person,
                role=role,
                **contact_values(data),
                **(details if role == Participant.Role.THREAT_ACTOR else {}),
            )
        if others:
            names = ", ".join(u.full_name for u in others)
            journal.record(case, user, "handlers_named", organisation=unit, names=names)
    return case


def update_case(
    actor: User,
    case: ProtectionCase,
    *,
    version: int,
    category: str,
    threat_picture: str,
    restricted: bool,
) -> ProtectionCase:
    """Edit the case's category, threat picture and restricted flag (optimistic locking)."""
    _edit_access(actor, case)
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        current = ProtectionCase.objects.select_for_update().get(pk=case.pk)
        if current.version != version:
            raise ConflictError(current=current)
        new = {"category": category, "threat_picture": threat_picture, "restricted": restricted}
        changed = [name for name, value in new.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name, value in new.items():
            setattr(current, name, value)
        current.version += 1
        reason = change_reason(changed, CASE_PROTECTED_LABELS, CASE_OTHER_LABELS)
        _stamp(current, actor, reason)
        current.save()
        journal.record(
            current,
            actor,
            "case_saved",
            organisation=current.unit,
            changes=changed_labels(changed, CASE_PROTECTED_LABELS, CASE_OTHER_LABELS),
        )
    return current


def _check_participant(case: ProtectionCase, person: Person) -> None:
    if not Participant.objects.filter(case=case, person=person).exists():
        raise errors.NotAllowed(_("Personen ingår inte i det här ärendet."))


def update_person(
    actor: User,
    case: ProtectionCase,
    person: Person,
    *,
    version: int,
    contact_version: int,
    data: dict[str, Any],
) -> Person:
    """Edit a person through one of their cases (optimistic locking, history without values).

    The identity (name, number, date of birth, level) is the person's, in every case, checked
    against ``version``; the contact details are this case's (every role of the person here),
    checked against ``contact_version``, and never touch another case's rows."""
    _edit_access(actor, case)
    _check_participant(case, person)
    values = _person_values(data)
    contact = contact_values(data)
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        current = Person.objects.select_for_update().get(pk=person.pk)
        rows = list(
            Participant.objects.select_for_update().filter(case=case, person=current).order_by("pk")
        )
        if current.version != version or rows[0].contact_version != contact_version:
            raise ConflictError(current=current)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        contact_changed = [
            name for name, value in contact.items() if getattr(rows[0], name) != value
        ]
        if not changed and not contact_changed:
            return current
        if changed:
            for name, value in values.items():
                setattr(current, name, value)
            current.personnummer_hmac = (
                personnummer_hmac(current.personnummer) if current.personnummer else ""
            )
            if (
                current.personnummer_hmac
                and Person.objects.filter(personnummer_hmac=current.personnummer_hmac)
                .exclude(pk=current.pk)
                .exists()
            ):
                # Said without naming who holds the number (need to know).
                raise errors.Invalid(
                    _("Personnumret är redan registrerat på en annan person."),
                    field="personnummer",
                )
            current.version += 1
            # The person's history (seen from every case of the person) names only the
            # person's own fields: a contact change in this case is no news to another.
            reason = change_reason(changed, PERSON_PROTECTED_LABELS, PERSON_OTHER_LABELS)
            _stamp(current, actor, reason)
            current.save()
        if contact_changed:
            Participant.objects.filter(pk__in=[row.pk for row in rows]).update(
                **contact, contact_version=F("contact_version") + 1
            )
        journal.record(
            case,
            actor,
            "person_saved",
            organisation=case.unit,
            changes=changed_labels(
                changed + contact_changed, PERSON_PROTECTED_LABELS, PERSON_OTHER_LABELS
            ),
        )
    return current


def add_participant(
    actor: User,
    case: ProtectionCase,
    *,
    role: str,
    person: Person | None = None,
    person_data: dict[str, Any] | None = None,
    note: str = "",
    relationship: str = "",
    matches: list[PersonMatch] | None = None,
) -> Participant:
    """Add an existing person of this case in another role, or a person by their details
    (the registered person when the personnummer is known, see ``open_case``).

    A child or relative is proposed the protected person's level (``proposed_protection``);
    when the handler chose another level, the journal says so (codes only)."""
    _edit_access(actor, case)
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        contact: dict[str, str] = {}
        if person is not None:
            _check_participant(case, person)
        elif person_data is not None:
            contact = contact_values(person_data)
            proposed = proposed_protection(case, role)
            chosen = person_data.get("protection") or Person.Protection.NONE
            person = _person_for(actor, case, person_data, role, matches)
            if proposed != Person.Protection.NONE and chosen != proposed:
                journal.record(
                    case,
                    actor,
                    "protection_proposal_changed",
                    organisation=case.unit,
                    role=role,
                    proposed=proposed,
                    chosen=chosen,
                )
        else:
            raise errors.Invalid(_("Välj en person eller fyll i uppgifter om en ny person."))
        if Participant.objects.filter(case=case, person=person, role=role).exists():
            raise errors.Invalid(_("Personen har redan den rollen i ärendet."), field="role")
        # One person's roles in one case share the contact details: a new role starts from
        # this case's row (never another case's); typed details become this case's details.
        here = Participant.objects.filter(case=case, person=person)
        if not any(contact.values()):
            first = here.order_by("pk").first()
            contact = {name: getattr(first, name) for name in CONTACT_FIELDS} if first else {}
        elif here.exists():
            here.update(**contact, contact_version=F("contact_version") + 1)
        participant = Participant.objects.create(
            case=case, person=person, role=role, note=note, relationship=relationship, **contact
        )
        journal.record(case, actor, "participant_added", organisation=case.unit, role=role)
    return participant


def remove_participant(actor: User, case: ProtectionCase, participant: Participant) -> None:
    """Remove a participant; a person left in no case is deleted with their dwellings.
    Refused (``errors.Invalid`` with the reasons) while anything still names them or a
    dwelling would go that the actor cannot see (``cases.services.removal``)."""
    case_access = _edit_access(actor, case)
    if participant.case_id != case.pk:
        raise errors.NotAllowed(_("Deltagaren hör till ett annat ärende."))
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        removal = removal_of(case_access, participant)
        if not removal.allowed:
            raise errors.Invalid(" ".join(removal.blockers))
        person = participant.person
        role = participant.role
        try:
            participant.delete()
        except ProtectedError as exc:  # a record added since the check
            raise errors.Invalid(
                _("Personen nämns fortfarande i ärendet och kan inte tas bort som deltagare.")
            ) from exc
        if not person.participations.filter(case=case).exists():
            # The dwellings this case registered for the person go with their last role here
            # (all visible to the actor: removal_of blocks otherwise).
            SecretDwelling.objects.filter(case=case, person=person).delete()
        if not person.participations.exists():
            # Nobody's case holds this person any more: keeping the data would keep personal
            # data without a purpose (and outside every retention rule).
            person.secret_dwellings.all().delete()
            _stamp(person, actor, "Person borttagen")
            person.delete()
        journal.record(case, actor, "participant_removed", organisation=case.unit, role=role)


# --- secret dwellings -----------------------------------------------------------------------


def add_dwelling(
    actor: User, case: ProtectionCase, person: Person, data: dict[str, Any]
) -> SecretDwelling:
    case_access = _edit_access(actor, case)
    _check_participant(case, person)
    police_only = bool(data.get("police_only"))
    if police_only and not case_access.is_assigned:
        # Only assigned staff may know a police-only dwelling; nobody else may create one
        # they would then be unable to see.
        raise errors.NotAllowed(
            _(
                "Bara en ansvarig handläggare kan registrera ett boende som bara polisen "
                "känner till."
            )
        )
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        dwelling = SecretDwelling.objects.create(
            case=case,
            person=person,
            description=data["description"],
            address=data["address"],
            police_only=police_only,
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )
        journal.record(case, actor, "dwelling_added", organisation=case.unit)
    return dwelling


def remove_dwelling(actor: User, case: ProtectionCase, dwelling: SecretDwelling) -> None:
    case_access = _edit_access(actor, case)
    _check_participant(case, dwelling.person)
    if not case_access.sees_dwelling(dwelling):
        raise errors.NotAllowed()
    with transaction.atomic():
        guard.ensure_open(case, lock=True)
        dwelling.delete()
        journal.record(case, actor, "dwelling_removed", organisation=case.unit)
