"""The filled-in parts of a plan: gathered from the case, frozen at agreement, cut to scope.

``collect(case)`` gathers everything the plan fills in, as a police reader sees it, in a
JSON-compatible dict (the same format is stored as ``ProtectionPlan.snapshot`` when a version
is agreed). ``visible(case_access, data)`` then cuts that dict down to what this reader may
see, asking the CaseAccess (scopes, ``sees_dwelling``) – the same rules for a live draft and
a frozen version, for the page, the print view and the PDF.

Never in ``collect``: a suppressed address (skyddad folkbokföring, fingerade
personuppgifter), the case's own threat picture, police-internal notes (journal, measure and
follow-up notes, statements), factor ratings or text judgements of assessments.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from cases import extensions
from cases.access import CaseAccess
from cases.models import (
    ContactBan,
    Disclosure,
    FollowUp,
    MeasureKind,
    Participant,
    Party,
    Person,
    ProtectionCase,
    ProtectiveMeasure,
    SecretDwelling,
)
from cases.services import responsible_handlers

PlanData = dict[str, Any]

SNAPSHOT_FORMAT = 1
# Bilaga 3, 1.1: the protected person and the family; threat actors are not "berörda".
PERSON_ROLES = (Participant.Role.PROTECTED, Participant.Role.RELATIVE, Participant.Role.CHILD)
RISK_SCOPES = ("scope_risk_summary", "scope_risk_full")


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _address(person: Person, contact: Participant) -> str:
    """This case's address of the person (``contact``: the person's row in this case)."""
    if person.address_is_suppressed:
        return ""  # never gathered, so it can never be printed or frozen
    postal = " ".join(part for part in (contact.postal_code, contact.city) if part)
    return ", ".join(part for part in (contact.street_address, postal) if part)


def _current_dwelling(dwelling: SecretDwelling, today: date) -> bool:
    return (dwelling.valid_from is None or dwelling.valid_from <= today) and (
        dwelling.valid_until is None or dwelling.valid_until >= today
    )


def _persons(case: ProtectionCase, today: date) -> list[dict[str, Any]]:
    order: dict[str, int] = {str(role): index for index, role in enumerate(PERSON_ROLES)}
    participants = (
        Participant.objects.filter(case=case, role__in=PERSON_ROLES)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "person__secret_dwellings",
                queryset=SecretDwelling.objects.filter(case=case).order_by("pk"),
            )
        )
    )
    rows = []
    for participant in sorted(participants, key=lambda p: (order[p.role], p.pk)):
        person = participant.person
        rows.append(
            {
                "person_key": str(person.key),
                "role": participant.role,
                "name": person.full_name,
                "personnummer": person.personnummer,
                "date_of_birth": _iso(person.date_of_birth),
                "phone": participant.phone,
                "protection": person.protection,
                "address": _address(person, participant),
                "address_suppressed": person.address_is_suppressed,
                "dwellings": [
                    {
                        "id": dwelling.pk,
                        "description": dwelling.description,
                        "address": dwelling.address,
                        "police_only": dwelling.police_only,
                    }
                    for dwelling in person.secret_dwellings.all()
                    if _current_dwelling(dwelling, today)
                ],
            }
        )
    return rows


def _social_contacts(case: ProtectionCase) -> list[dict[str, Any]]:
    disclosures = (
        Disclosure.objects.active()
        .filter(case=case, direction=Disclosure.Direction.TO_SOCIAL)
        .select_related("recipient")
        .prefetch_related("handlers")
        .order_by("recipient__name", "pk")
    )
    by_org: dict[int, dict[str, Any]] = {}
    for disclosure in disclosures:
        entry = by_org.setdefault(
            disclosure.recipient_id,
            {
                "organisation_id": disclosure.recipient_id,
                "organisation": disclosure.recipient.name,
                "names": [],
            },
        )
        for user in disclosure.handlers.all():
            if user.full_name not in entry["names"]:
                entry["names"].append(user.full_name)
    for entry in by_org.values():
        entry["names"].sort()
    return list(by_org.values())


def _measures(case: ProtectionCase) -> list[dict[str, Any]]:
    measures = (
        ProtectiveMeasure.objects.current()
        .filter(case=case)
        .select_related("kind")
        .order_by("kind__category", "kind__order", "start_date", "pk")
    )
    return [
        {
            "name": measure.kind.name,
            "category": measure.kind.category,
            "responsible_party": measure.responsible_party,
            "status": measure.status,
            "start_date": _iso(measure.start_date),
            "end_date": _iso(measure.end_date),
        }
        for measure in measures
    ]


def _contact_bans(case: ProtectionCase) -> list[dict[str, Any]]:
    """Kontaktförbud in force (section 3): the type and period, never the parties' names."""
    bans = ContactBan.objects.in_force().filter(case=case).order_by("valid_until", "pk")
    return [
        {
            "ban_type": ban.ban_type,
            "electronic_monitoring": ban.electronic_monitoring,
            "valid_from": _iso(ban.valid_from),
            "valid_until": _iso(ban.valid_until),
        }
        for ban in bans
    ]


def _follow_ups(case: ProtectionCase) -> list[dict[str, Any]]:
    follow_ups = FollowUp.objects.open().filter(case=case).order_by("due_date", "pk")
    return [
        {
            "kind": follow_up.kind,
            "due_date": _iso(follow_up.due_date),
            "responsible_party": follow_up.responsible_party,
        }
        for follow_up in follow_ups
    ]


def collect(case: ProtectionCase) -> PlanData:
    """Everything the plan fills in, as of now, before any cut to the reader's scope."""
    today = timezone.localdate()
    data: PlanData = {
        "format": SNAPSHOT_FORMAT,
        "taken_on": today.isoformat(),
        "unit": case.unit.name,
        "persons": _persons(case, today),
        "pss_handlers": [user.full_name for user in responsible_handlers(case)],
        "social_contacts": _social_contacts(case),
        "assessments": [],  # filled in by the risk-assessment app (extensions.plan_sources)
        "measures": _measures(case),
        "contact_bans": _contact_bans(case),
        "follow_ups": _follow_ups(case),
    }
    for source in extensions.plan_sources:
        data.update(source.collect(case))
    return data


def under_current_protection(data: PlanData) -> PlanData:
    """Frozen data with today's protection applied where it is stricter than at agreement.

    An agreed version never changes its content, except that it never shows more than the
    rules allow now: a person who has since got skyddad folkbokföring or fingerade
    personuppgifter has the address withheld, and a secret dwelling that has since been
    marked police-only, or removed, is treated as police-only.
    """
    persons = data["persons"]
    keys = [p["person_key"] for p in persons]
    suppressed = {
        str(key)
        for key in Person.objects.filter(
            key__in=keys,
            protection__in=[
                Person.Protection.SKYDDAD_FOLKBOKFORING,
                Person.Protection.FINGERADE,
            ],
        ).values_list("key", flat=True)
    }
    dwelling_ids = [d["id"] for p in persons for d in p["dwellings"]]
    still_shared = set(
        SecretDwelling.objects.filter(pk__in=dwelling_ids, police_only=False).values_list(
            "pk", flat=True
        )
    )
    tightened = []
    for person in persons:
        person = {
            **person,
            "dwellings": [
                {**d, "police_only": d["police_only"] or d["id"] not in still_shared}
                for d in person["dwellings"]
            ],
        }
        if person["person_key"] in suppressed:
            person.update(address="", address_suppressed=True)
        tightened.append(person)
    return {**data, "persons": tightened}


def _sees_dwelling(case_access: CaseAccess, dwelling: dict[str, Any]) -> bool:
    # The access module decides from the dwelling's case and flag; an unsaved instance
    # carries them (the snapshot only ever holds dwellings registered in this case).
    return case_access.sees_dwelling(
        SecretDwelling(case_id=case_access.case.pk, police_only=dwelling["police_only"])
    )


def _own_contacts(
    case_access: CaseAccess, contacts: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Police see every social-services contact; a social-services reader sees its own
    organisation's (not which other municipalities the case was disclosed to)."""
    if case_access.is_police:
        return list(contacts)
    own = {disclosure.recipient_id for disclosure in case_access.disclosures}
    return [contact for contact in contacts if contact["organisation_id"] in own]


def _labels() -> dict[str, dict[str, str]]:
    # Stored as codes so that a frozen version is shown in the reader's language.
    labels = {
        "role": {str(k): str(v) for k, v in Participant.Role.choices},
        "protection": {str(k): str(v) for k, v in Person.Protection.choices},
        "party": {str(k): str(v) for k, v in Party.choices},
        "measure_status": {str(k): str(v) for k, v in ProtectiveMeasure.Status.choices},
        "measure_category": {str(k): str(v) for k, v in MeasureKind.Category.choices},
        "follow_up_kind": {str(k): str(v) for k, v in FollowUp.Kind.choices},
        "ban_type": {str(k): str(v) for k, v in ContactBan.BanType.choices},
        "level": {},
    }
    for source in extensions.plan_sources:
        labels.update(source.labels())
    return labels


def _printed_person(person: dict[str, Any]) -> dict[str, Any]:
    """Paper leaves the office (issue 11): a printed plan – print view or PDF, whoever
    prints it, police included – never carries a secret dwelling or a protected address.
    It says instead that the dwelling is known to the responsible police handler, the same
    for both parties, so that they hold one document."""
    protected = person["protection"] != Person.Protection.NONE or person["address_suppressed"]
    return {
        **person,
        "address": "" if protected else person["address"],
        "address_suppressed": bool(protected),
        "dwellings": [],
        "dwelling_with_police": bool(person["dwellings"]),
    }


def visible(case_access: CaseAccess, data: PlanData, *, printed: bool = False) -> PlanData:
    """``data`` cut to what this reader may see, with display labels added. A part outside
    the reader's scope is None (the templates then say so); an empty list means there is
    nothing to show. ``printed``: the print view and the PDF (see ``_printed_person``)."""
    labels = _labels()
    persons = None
    if case_access.shows("scope_persons"):
        persons = [
            {
                **person,
                "role_label": labels["role"].get(person["role"], person["role"]),
                "protection_label": labels["protection"].get(person["protection"], ""),
                "dwellings": [d for d in person["dwellings"] if _sees_dwelling(case_access, d)],
            }
            if not printed
            else {
                **_printed_person(person),
                "role_label": labels["role"].get(person["role"], person["role"]),
                "protection_label": labels["protection"].get(person["protection"], ""),
            }
            for person in data["persons"]
        ]
    assessments = None
    if any(case_access.shows(scope) for scope in RISK_SCOPES):
        assessments = [
            {
                **assessment,
                "levels": [
                    {**j, "level_label": labels["level"].get(j["level"], j["level"])}
                    for j in assessment["levels"]
                ],
            }
            for assessment in data["assessments"]
        ]
    measures = follow_ups = contact_bans = None
    if case_access.shows("scope_measures"):
        # Versions agreed before issue 11 have no bans in their frozen data.
        contact_bans = [
            {**ban, "type_label": labels["ban_type"].get(ban["ban_type"], "")}
            for ban in data.get("contact_bans", [])
        ]
        measures = [
            {
                **measure,
                "party_label": labels["party"].get(measure["responsible_party"], ""),
                "status_label": labels["measure_status"].get(measure["status"], ""),
                "category_label": labels["measure_category"].get(measure["category"], ""),
            }
            for measure in data["measures"]
        ]
        follow_ups = [
            {
                **follow_up,
                "kind_label": labels["follow_up_kind"].get(follow_up["kind"], ""),
                "party_label": labels["party"].get(follow_up["responsible_party"], ""),
            }
            for follow_up in data["follow_ups"]
        ]
    return {
        "taken_on": data["taken_on"],
        "unit": data["unit"],
        "persons": persons,
        "pss_handlers": list(data["pss_handlers"]),
        "social_contacts": _own_contacts(case_access, data["social_contacts"]),
        "assessments": assessments,
        "measures": measures,
        "contact_bans": contact_bans,
        "follow_ups": follow_ups,
    }
