"""One person per personnummer/samordningsnummer (issue 11).

The keyed hash (``Person.personnummer_hmac``) is unique. Intake and "add a participant"
look the number up first and use the existing record instead of creating a second one; the
handler is told so within need to know (``PersonMatch``): a case of the person's that the
handler may open is named, anything else only as "already registered" – no case, unit or
name. A later registration never lowers the person's protection level: the highest known
level is the one record's level, so it applies in every case.

``merge_duplicates`` folds records that were created twice before the rule existed (the
migration that made the hash unique ran a frozen copy of it; ``manage.py
merge_duplicate_persons`` runs this one) and reports case references and counts only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Count

from accounts.models import User
from cases import access
from cases.models import Participant, Person, ProtectionCase
from cases.models.persons import CONTACT_FIELDS, personnummer_hmac
from cases.services.common import _stamp

# Weakest first: a registration may raise a person's level, never lower it.
PROTECTION_ORDER = (
    Person.Protection.NONE,
    Person.Protection.SEKRETESSMARKERING,
    Person.Protection.SKYDDAD_FOLKBOKFORING,
    Person.Protection.FINGERADE,
)


def protection_rank(level: str) -> int:
    try:
        return PROTECTION_ORDER.index(Person.Protection(level))
    except ValueError:
        return 0


def strongest_protection(levels: list[str]) -> str:
    """The highest of ``levels`` (``none`` for an empty list)."""
    return str(max(levels, key=protection_rank, default=Person.Protection.NONE))


@dataclass(frozen=True)
class PersonMatch:
    """What the registering handler may learn about an existing record they matched."""

    role: str
    person: Person
    # Other cases of the person that the handler may open (named and linked to them).
    openable: tuple[ProtectionCase, ...] = ()
    # The person is also in a case the handler may not open: said, never which.
    elsewhere: bool = False
    raised_to: str = ""  # the level was raised by this registration (code), else ""


def _raise_protection(user: User, person: Person, level: str) -> str:
    if protection_rank(level) <= protection_rank(person.protection):
        return ""
    person.protection = level
    person.version += 1
    _stamp(person, user, "Ändrade: skyddsnivå (höjd vid registrering)")
    person.save(update_fields=["protection", "version", "updated_at"])
    return level


def find_or_create_person(
    user: User,
    values: dict[str, Any],
    *,
    role: str,
    case: ProtectionCase | None = None,
) -> tuple[Person, PersonMatch | None]:
    """The person with this personnummer if one exists (its level raised to ``values``'
    when that is higher), else a new person from ``values``. Call inside a transaction.

    ``case`` is the case being registered into: it does not count as "another case".
    """
    number = values.get("personnummer") or ""
    digest = personnummer_hmac(number) if number else ""
    if digest:
        existing = Person.objects.select_for_update().filter(personnummer_hmac=digest).first()
        if existing is None:
            person = Person(**values, personnummer_hmac=digest)
            _stamp(person, user, "Person registrerad")
            try:
                # A concurrent registration of the same number wins the unique hash; this
                # one then uses its record.
                with transaction.atomic():
                    person.save()
                return person, None
            except IntegrityError:
                existing = Person.objects.select_for_update().get(personnummer_hmac=digest)
        return existing, _match(user, existing, role=role, case=case, level=values["protection"])
    person = Person(**values, personnummer_hmac="")
    _stamp(person, user, "Person registrerad")
    person.save()
    return person, None


def _match(
    user: User, person: Person, *, role: str, case: ProtectionCase | None, level: str
) -> PersonMatch:
    raised = _raise_protection(user, person, level)
    case_ids = set(
        Participant.objects.filter(person=person)
        .exclude(case=case)
        .values_list("case_id", flat=True)
    )
    openable = tuple(
        access.openable_cases(user).filter(pk__in=case_ids).order_by("reference")
        if case_ids
        else ()
    )
    return PersonMatch(
        role=role,
        person=person,
        openable=openable,
        elsewhere=len(openable) < len(case_ids),
        raised_to=raised,
    )


# --- merging duplicates ---------------------------------------------------------------------


@dataclass
class MergeReport:
    """References and counts only: never a name or a number."""

    groups: int = 0
    removed: int = 0
    cases: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def lines(self) -> list[str]:
        if not self.groups:
            return ["Inga dubbletter."]
        lines = [f"Sammanslagna: {self.groups} personer ({self.removed} dubbletter borttagna)."]
        lines += [f"{ref}: {count}" for ref, count in sorted(self.cases.items())]
        return lines


def _repoint(model: type[models.Model], keep: Any, drop: Any) -> None:
    """Point every foreign key to ``drop`` (a Person or a Participant) at ``keep``."""
    # Hidden relations too (``related_name="+"``, e.g. a kontaktförbud's parties); not the
    # history tables, which keep what was.
    for rel in model._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or rel.many_to_many:
            continue
        related: Any = rel.related_model
        if not isinstance(rel.field, models.ForeignKey) or str(
            related._meta.object_name
        ).startswith("Historical"):
            continue
        related._default_manager.filter(**{rel.field.name: drop}).update(**{rel.field.name: keep})


def _fold(keep: Person, drop: Person) -> None:
    for participant in Participant.objects.filter(person=drop):
        twin = Participant.objects.filter(
            case_id=participant.case_id, person=keep, role=participant.role
        ).first()
        if twin is None:
            participant.person = keep
            participant.save(update_fields=["person"])
        else:
            # The same role in the same case twice: one row, blanks filled from the other
            # (both rows are this case's own details).
            for name in CONTACT_FIELDS:
                if not getattr(twin, name) and getattr(participant, name):
                    setattr(twin, name, getattr(participant, name))
            twin.save()
            _repoint(Participant, twin, participant)
            participant.delete()
    _repoint(Person, keep, drop)
    drop.delete()


def merge_duplicates(actor: User | None = None) -> MergeReport:
    """Fold every set of persons sharing a personnummer hash into the oldest record, with
    the highest protection level of the set, a missing date of birth filled from the others
    (the contact details stay on each case's participant rows). Idempotent."""
    report = MergeReport()
    digests = (
        Person.objects.exclude(personnummer_hmac="")
        .values("personnummer_hmac")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("personnummer_hmac", flat=True)
    )
    for digest in list(digests):
        with transaction.atomic():
            persons = list(
                Person.objects.select_for_update().filter(personnummer_hmac=digest).order_by("pk")
            )
            keep, others = persons[0], persons[1:]
            # Contact details are the cases' own (on the participant rows), not merged here.
            if not keep.date_of_birth:
                keep.date_of_birth = next(
                    (other.date_of_birth for other in others if other.date_of_birth), None
                )
            keep.protection = strongest_protection([p.protection for p in persons])
            keep.version += 1
            _stamp(keep, actor, "Dubbletter sammanslagna (samma personnummer)")
            keep.save()
            refs = ProtectionCase.objects.filter(participants__person__in=persons).values_list(
                "reference", flat=True
            )
            for ref in set(refs):
                report.cases[ref] += 1
            for other in others:
                _fold(keep, other)
            report.groups += 1
            report.removed += len(others)
    return report
