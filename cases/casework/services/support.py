"""Support information: which organisations to offer, and recording that a person was told."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import errors
from cases.casework.policy import may_edit_police_work
from cases.casework.services.common import (
    _access,
    _journal,
    _require,
    ensure_open,
)
from cases.models import (
    Disclosure,
    Participant,
    ProtectionCase,
    SupportInformation,
    SupportOrganisation,
)


def local_municipalities(case: ProtectionCase) -> tuple[set[str], set[str]]:
    """Where the person is likely to seek support: the municipality codes of the social
    services the case is (or was) disclosed to, and the city of the protected person.

    Kept simple on purpose: the disclosure says which municipality already works with the
    person; the protected person's registered city is a fallback when there is none. The
    city is used only to order the list, never shown or stored here.
    """
    codes = set(
        Disclosure.objects.filter(case=case, direction=Disclosure.Direction.TO_SOCIAL)
        .exclude(recipient__municipality_code="")
        .values_list("recipient__municipality_code", flat=True)
    )
    cities = {
        city.strip().lower()
        for city in Participant.objects.filter(
            case=case, role=Participant.Role.PROTECTED
        ).values_list("city", flat=True)
        if city and city.strip()
    }
    return codes, cities


def offered_organisations(
    case: ProtectionCase, *, referral: bool
) -> list[tuple[str, list[SupportOrganisation], bool]]:
    """Active directory entries in groups, the most relevant first, as
    ``(label, organisations, secondary)``; secondary groups may be shown folded.

    Information (duty to inform the injured party): the municipality's organisations, then the
    national lines, then everything else. Referral of a threat actor: support for those who
    use violence first (local before national), then the same groups.
    """
    codes, cities = local_municipalities(case)
    organisations = list(
        SupportOrganisation.objects.filter(active=True).order_by(
            "municipality_name", "kind", "name"
        )
    )

    def is_local(org: SupportOrganisation) -> bool:
        return bool(org.municipality_code and org.municipality_code in codes) or bool(
            org.municipality_name and org.municipality_name.strip().lower() in cities
        )

    groups: list[tuple[str, list[SupportOrganisation], bool]] = []
    taken: set[int] = set()

    def group(label: str, members: Iterable[SupportOrganisation], secondary: bool) -> None:
        chosen = [org for org in members if org.pk not in taken]
        taken.update(org.pk for org in chosen)
        if chosen:
            groups.append((label, chosen, secondary))

    if referral:
        group(
            _("Stöd för den som utövar våld"),
            sorted(
                (o for o in organisations if o.kind == SupportOrganisation.Kind.VIOLENCE_USERS),
                key=lambda org: (not is_local(org), org.national, org.name),
            ),
            False,
        )
    # Support for those who use violence is not what a victim is told about: it goes last.
    relevant = [
        org
        for org in organisations
        if referral or org.kind != SupportOrganisation.Kind.VIOLENCE_USERS
    ]
    local_names = sorted(
        {org.municipality_name for org in relevant if is_local(org) and org.municipality_name}
    )
    group(
        _("I kommunen (%(names)s)") % {"names": ", ".join(local_names)}
        if local_names
        else _("I kommunen"),
        (org for org in relevant if is_local(org)),
        False,
    )
    group(_("Nationella stödlinjer"), (org for org in relevant if org.national), False)
    group(_("Övriga stödverksamheter"), organisations, True)
    return groups


def record_support_information(
    actor: User,
    case: ProtectionCase,
    *,
    organisations: Iterable[SupportOrganisation],
    informed_on: date,
    participant: Participant | None = None,
    participants: Iterable[Participant] = (),
    note: str = "",
    is_referral: bool = False,
    may_contact: bool | None = None,
) -> list[SupportInformation]:
    """Record that one or more persons were told about these organisations (or,
    ``is_referral``, that a threat actor was referred to them), when, and by the acting user.

    One registration makes one row per person and organisation, with the same note and the
    same answer to "may the support organisation contact the person?" (required for
    information, not asked for a referral)."""
    case_access = _access(actor, case)
    _require(may_edit_police_work(case_access))
    people = list(participants) + ([participant] if participant is not None else [])
    field = "participant" if is_referral else "participants"
    if not people:
        raise errors.Invalid(_("Välj minst en person."), field=field)
    if any(person.case_id != case.pk for person in people):
        raise errors.Invalid(_("Välj en person som ingår i ärendet."), field=field)
    people = list({person.pk: person for person in people}.values())
    if informed_on > timezone.localdate():
        raise errors.Invalid(_("Datumet kan inte ligga i framtiden."), field="informed_on")
    chosen = list(organisations)
    if not chosen:
        raise errors.Invalid(_("Välj minst en verksamhet."), field="organisations")
    if not is_referral and may_contact is None:
        raise errors.Invalid(
            _("Svara om stödorganisationen får kontakta personen."), field="may_contact"
        )
    with transaction.atomic():
        ensure_open(case, lock=True)
        rows = SupportInformation.objects.bulk_create(
            SupportInformation(
                case=case,
                participant=person,
                organisation=org,
                is_referral=is_referral,
                informed_on=informed_on,
                informed_by=actor,
                note=note,
                may_contact=None if is_referral else may_contact,
            )
            for person in people
            for org in chosen
        )
        for person in people:
            _journal(
                case_access,
                "support_referred" if is_referral else "support_informed",
                count=len(chosen),
                role=person.role,
            )
    return rows
