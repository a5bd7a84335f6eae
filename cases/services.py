"""State changes of cases. Each takes the acting user, checks permission, writes, journals.

Views validate a form, call one of these, and redirect. Tasks and management commands call
the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import Membership, Organisation, User
from cases import access
from cases.access import CaseAccess
from cases.models import (
    JournalEntry,
    Participant,
    Person,
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
    SecretDwelling,
)
from cases.models.persons import personnummer_hmac


class ConflictError(Exception):
    """Someone else saved the same object since this user loaded it (optimistic locking).

    ``current`` is the row as saved now, so the form can show it beside what the user typed;
    ``message`` is the text shown to the user.
    """

    def __init__(self, message: str | None = None, *, current: Any = None) -> None:
        super().__init__(
            message
            or _(
                "Någon annan har sparat ändringar sedan du öppnade sidan. Det du skrev finns "
                "kvar i formuläret: kontrollera och spara igen."
            )
        )
        self.current = current


def next_reference(unit: Organisation, year: int) -> tuple[int, str]:
    """Allocate the next number for a unit and year. Call inside a transaction."""
    # Lock the unit row so that two concurrent intakes never get the same number.
    Organisation.objects.select_for_update().get(pk=unit.pk)
    last = ProtectionCase.objects.filter(unit=unit, year=year).aggregate(n=Max("number"))["n"]
    number = (last or 0) + 1
    return number, f"{unit.reference_prefix}-{year}-{number:05d}"


def journal(
    case: ProtectionCase,
    user: User | None,
    text: str,
    *,
    kind: str = JournalEntry.Kind.EVENT,
    visibility: str = JournalEntry.Visibility.POLICE_INTERNAL,
    organisation: Organisation | None = None,
) -> JournalEntry:
    return JournalEntry.objects.create(
        case=case,
        author=user,
        author_organisation=organisation,
        kind=kind,
        visibility=visibility,
        occurred_on=timezone.localdate(),
        text=text,
    )


def create_case(
    user: User,
    *,
    unit: Organisation,
    category: str,
    threat_picture: str = "",
    restricted: bool = False,
    opened_on: date | None = None,
    responsible: list[User] | None = None,
) -> ProtectionCase:
    """Open a case in a unit the user belongs to; the user becomes responsible handler."""
    if unit.pk not in access.police_unit_ids(user):
        raise PermissionError("Only members of the police unit can open its cases")
    opened = opened_on or timezone.localdate()
    with transaction.atomic():
        number, reference = next_reference(unit, opened.year)
        case = ProtectionCase(
            unit=unit,
            year=opened.year,
            number=number,
            reference=reference,
            category=category,
            threat_picture=threat_picture,
            restricted=restricted,
            opened_on=opened,
            created_by=user,
        )
        _stamp(case, user, "Ärendet öppnades.")
        case.save()
        for handler in {user, *(responsible or [])}:
            _grant(handler, case)
        journal(case, user, "Ärendet öppnades.", organisation=unit)
    return case


def _grant(user: User, case: ProtectionCase) -> None:
    assign_perm(access.VIEW_PERM, user, case)
    assign_perm(access.CHANGE_PERM, user, case)


def assign_handler(actor: User, case: ProtectionCase, handler: User) -> None:
    """The head (or a responsible handler) assigns a unit handler to the case."""
    if case.unit_id not in access.police_unit_ids(handler):
        raise PermissionError("The handler must belong to the case's unit")
    case_access = access.get_case_for_user(actor, case.key, need="edit", log=False)
    if not case_access.may_manage:
        raise PermissionError("Only the head or a responsible handler assigns handlers")
    with transaction.atomic():
        _grant(handler, case)
        journal(case, actor, f"Handläggare tilldelad: {handler.full_name}.", organisation=case.unit)


def unassign_handler(actor: User, case: ProtectionCase, handler: User) -> None:
    case_access = access.get_case_for_user(actor, case.key, need="edit", log=False)
    if not case_access.may_manage:
        raise PermissionError("Only the head or a responsible handler removes handlers")
    with transaction.atomic():
        # Lock the case so that two heads removing the last two handlers cannot both succeed.
        ProtectionCase.objects.select_for_update().get(pk=case.pk)
        current = responsible_handlers(case)
        if handler not in current:
            raise ValueError(_("Handläggaren är inte ansvarig för ärendet."))
        if len(current) == 1:
            raise ValueError(_("Ärendet måste ha minst en ansvarig handläggare."))
        remove_perm(access.VIEW_PERM, handler, case)
        remove_perm(access.CHANGE_PERM, handler, case)
        journal(case, actor, f"Handläggare borttagen: {handler.full_name}.", organisation=case.unit)


def responsible_handlers(case: ProtectionCase) -> list[User]:
    ids = ProtectionCaseUserObjectPermission.objects.filter(
        content_object=case, permission__codename="change_protectioncase"
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("full_name"))


def unit_handlers(unit_ids: list[int]) -> list[User]:
    """Active handlers and heads of these police units: who may be made responsible."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation_id__in=unit_ids,
            memberships__role__in=(Membership.Role.HANDLER, Membership.Role.HEAD),
        )
        .distinct()
        .order_by("full_name")
    )


# --- change history -------------------------------------------------------------------------
# The history tables (django-simple-history) never hold the values of protected fields: those
# fields are excluded from the historical models, and the change reason names them by label
# only. A reader of the history learns who changed the address and when, never the address.

PERSON_PROTECTED_LABELS = {
    "first_name": "namn",
    "last_name": "namn",
    "personnummer": "personnummer",
    "date_of_birth": "födelsedatum",
    "phone": "telefon",
    "street_address": "adress",
    "postal_code": "adress",
    "city": "adress",
}
PERSON_OTHER_LABELS = {"protection": "skyddsnivå"}
CASE_PROTECTED_LABELS = {"threat_picture": "hotbild"}
CASE_OTHER_LABELS = {"category": "kategori", "restricted": "särskilt personsäkerhetsarbete"}


def change_reason(changed: list[str], protected: dict[str, str], other: dict[str, str]) -> str:
    """'Ändrade skyddade uppgifter: adress, telefon; ändrade: kategori' – labels, no values."""

    def labels(mapping: dict[str, str]) -> list[str]:
        return list(dict.fromkeys(mapping[f] for f in changed if f in mapping))

    parts = []
    if secret := labels(protected):
        parts.append("Ändrade skyddade uppgifter: " + ", ".join(secret))
    if plain := labels(other):
        parts.append(("ändrade: " if parts else "Ändrade: ") + ", ".join(plain))
    return "; ".join(parts) or "Sparade utan ändringar"


def _stamp(instance: Any, user: User | None, reason: str) -> None:
    """Tell simple-history who made this save and why (read by its post_save handler)."""
    instance._history_user = user
    instance._change_reason = reason


def _edit_access(actor: User, case: ProtectionCase) -> CaseAccess:
    """Re-check in the service that the actor may edit (views have already logged the read)."""
    return access.get_case_for_user(actor, case.key, need="edit", log=False)


# --- persons --------------------------------------------------------------------------------

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "personnummer",
    "date_of_birth",
    "phone",
    "street_address",
    "postal_code",
    "city",
    "protection",
)


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    """The person fields from a form's cleaned data; ``personnummer`` already normalised."""
    values = {name: data.get(name) for name in PERSON_FIELDS}
    for name in PERSON_FIELDS:
        if values[name] is None and name != "date_of_birth":
            values[name] = "" if name != "protection" else Person.Protection.NONE
    return values


def _new_person(user: User, data: dict[str, Any]) -> Person:
    person = Person(**_person_values(data))
    person.personnummer_hmac = personnummer_hmac(person.personnummer) if person.personnummer else ""
    _stamp(person, user, "Person registrerad")
    person.save()
    return person


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
    opened_on: date | None = None,
) -> ProtectionCase:
    """Intake: the case, its protected person and optionally a threat actor, all or nothing."""
    others = [u for u in responsible or [] if u.pk != user.pk]
    allowed = {u.pk for u in unit_handlers([unit.pk])}
    if any(u.pk not in allowed for u in others):
        raise PermissionError("Responsible handlers must belong to the case's unit")
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
        Participant.objects.create(
            case=case, person=_new_person(user, protected), role=Participant.Role.PROTECTED
        )
        if threat_actor:
            Participant.objects.create(
                case=case,
                person=_new_person(user, threat_actor),
                role=Participant.Role.THREAT_ACTOR,
            )
        if others:
            names = ", ".join(u.full_name for u in others)
            journal(case, user, f"Ansvariga handläggare: {names}.", organisation=unit)
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
        journal(current, actor, f"Ärendeuppgifter sparade. {reason}.", organisation=current.unit)
    return current


def _check_participant(case: ProtectionCase, person: Person) -> None:
    if not Participant.objects.filter(case=case, person=person).exists():
        raise PermissionError("The person does not take part in this case")


def update_person(
    actor: User, case: ProtectionCase, person: Person, *, version: int, data: dict[str, Any]
) -> Person:
    """Edit a person through one of their cases (optimistic locking, history without values)."""
    _edit_access(actor, case)
    _check_participant(case, person)
    values = _person_values(data)
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.version != version:
            raise ConflictError(current=current)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name, value in values.items():
            setattr(current, name, value)
        current.personnummer_hmac = (
            personnummer_hmac(current.personnummer) if current.personnummer else ""
        )
        current.version += 1
        reason = change_reason(changed, PERSON_PROTECTED_LABELS, PERSON_OTHER_LABELS)
        _stamp(current, actor, reason)
        current.save()
        journal(case, actor, f"Personuppgifter sparade. {reason}.", organisation=case.unit)
    return current


def add_participant(
    actor: User,
    case: ProtectionCase,
    *,
    role: str,
    person: Person | None = None,
    person_data: dict[str, Any] | None = None,
    note: str = "",
) -> Participant:
    """Add an existing person of this case in another role, or a new person."""
    _edit_access(actor, case)
    with transaction.atomic():
        if person is not None:
            _check_participant(case, person)
            if Participant.objects.filter(case=case, person=person, role=role).exists():
                raise ValueError(_("Personen har redan den rollen i ärendet."))
        elif person_data is not None:
            person = _new_person(actor, person_data)
        else:
            raise ValueError("A person or person data is required")
        participant = Participant.objects.create(case=case, person=person, role=role, note=note)
        journal(case, actor, f"Deltagare tillagd ({_role_label(role)}).", organisation=case.unit)
    return participant


def remove_participant(actor: User, case: ProtectionCase, participant: Participant) -> None:
    """Remove a participant; a person left in no case is deleted with their dwellings."""
    _edit_access(actor, case)
    if participant.case_id != case.pk:
        raise PermissionError("The participant belongs to another case")
    with transaction.atomic():
        ProtectionCase.objects.select_for_update().get(pk=case.pk)
        if (
            participant.role == Participant.Role.PROTECTED
            and not case.participants.filter(role=Participant.Role.PROTECTED)
            .exclude(pk=participant.pk)
            .exists()
        ):
            raise ValueError(_("Ärendet måste ha minst en skyddsperson."))
        person = participant.person
        role = participant.role
        participant.delete()
        if not person.participations.filter(case=case).exists():
            # The dwellings this case registered for the person go with their last role here.
            SecretDwelling.objects.filter(case=case, person=person).delete()
        if not person.participations.exists():
            # Nobody's case holds this person any more: keeping the data would keep personal
            # data without a purpose (and outside every retention rule).
            person.secret_dwellings.all().delete()
            _stamp(person, actor, "Person borttagen")
            person.delete()
        journal(case, actor, f"Deltagare borttagen ({_role_label(role)}).", organisation=case.unit)


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
        raise PermissionError("Only an assigned handler registers a police-only dwelling")
    with transaction.atomic():
        dwelling = SecretDwelling.objects.create(
            case=case,
            person=person,
            description=data["description"],
            address=data["address"],
            police_only=police_only,
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )
        journal(case, actor, "Hemligt boende registrerat.", organisation=case.unit)
    return dwelling


def remove_dwelling(actor: User, case: ProtectionCase, dwelling: SecretDwelling) -> None:
    case_access = _edit_access(actor, case)
    _check_participant(case, dwelling.person)
    if not case_access.sees_dwelling(dwelling):
        raise PermissionError("The actor may not see this dwelling")
    with transaction.atomic():
        dwelling.delete()
        journal(case, actor, "Hemligt boende borttaget.", organisation=case.unit)


# --- journal --------------------------------------------------------------------------------


def add_journal_entry(
    actor: User,
    case: ProtectionCase,
    *,
    occurred_on: date,
    text: str,
    visibility: str,
) -> JournalEntry:
    """A handler's own note. Only police who may edit write in the journal."""
    case_access = _edit_access(actor, case)
    if not case_access.is_police:
        raise PermissionError("Only police handlers write in the case journal")
    entry = JournalEntry.objects.create(
        case=case,
        author=actor,
        author_organisation=case_access.organisation,
        kind=JournalEntry.Kind.NOTE,
        visibility=visibility,
        occurred_on=occurred_on,
        text=text,
    )
    return entry


# --- search ---------------------------------------------------------------------------------

SEARCH_LIMIT = 50


@dataclass
class SearchHit:
    """One case found by a person search, with the matching participants in it."""

    case: ProtectionCase
    participants: list[Participant] = field(default_factory=list)


def search_persons(user: User, *, personnummer: str = "", name: str = "") -> list[SearchHit]:
    """Find cases by a person's exact personnummer (keyed hash) or name.

    Only cases the user may open now are searched (never cases a unit colleague can merely
    list), and only where their access includes persons. Every hit is a read of the case and
    is logged with channel SEARCH; the search term itself is logged nowhere.
    """
    participants = Participant.objects.filter(case__in=access.openable_cases(user))
    if personnummer:
        participants = participants.filter(
            person__personnummer_hmac=personnummer_hmac(personnummer)
        )
        what = "sökning på personnummer"
    else:
        terms = name.split()
        if not terms:
            return []
        for term in terms:
            participants = participants.filter(
                Q(person__first_name__icontains=term) | Q(person__last_name__icontains=term)
            )
        what = "sökning på namn"
    rows = participants.select_related("case", "case__unit", "person").order_by(
        "-case__opened_on", "-case__number", "role"
    )[: SEARCH_LIMIT * 4]
    hits: dict[int, SearchHit] = {}
    for participant in rows:
        hit = hits.get(participant.case_id)
        if hit is None:
            if len(hits) >= SEARCH_LIMIT:
                break
            hit = hits[participant.case_id] = SearchHit(participant.case)
        hit.participants.append(participant)
    shown = []
    for hit in hits.values():
        try:
            case_access = access.get_case_for_user(
                user, hit.case.key, channel=access.Channel.SEARCH, log=False
            )
        except (Http404, access.BreakGlassRequired):
            continue  # access ended between the query and now
        if not case_access.shows("scope_persons"):
            continue  # a disclosure without persons: the search must not reveal them
        access.record_access(
            user,
            case=hit.case,
            channel=access.Channel.SEARCH,
            granted=True,
            what=what,
            via=case_access.via,
            organisation=case_access.organisation,
            reason=case_access.break_glass.reason if case_access.break_glass else "",
        )
        shown.append(hit)
    return shown
