"""Fictional demo cases (never real people): a dozen protection cases across categories and
the two demo police units, with participants, protected identities, a police-only secret
dwelling, restricted cases, journal entries and disclosures to the demo municipalities in
every state (active, pending, expired, withdrawn).

Names come from Faker (sv_SE) with a fixed seed. Personnummer are made up: a random birth
date and serial with a correct check digit, so that the forms and the exact search can be
tried with them; the people they belong to exist only here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum import luhn

from accounts import demo as accounts_demo
from accounts.models import Organisation, User
from cases import services
from cases.models import (
    Disclosure,
    JournalEntry,
    Participant,
    Person,
    ProtectionCase,
    SecretDwelling,
)

SEED = 20260317
Cat = ProtectionCase.Category
Role = Participant.Role
Prot = Person.Protection
Vis = JournalEntry.Visibility


@dataclass
class DemoCase:
    unit: str
    handler: str  # e-mail of the responsible handler
    category: str
    threat_picture: str
    days_ago: int
    restricted: bool = False
    others: list[str] = field(default_factory=list)  # more responsible handlers
    protection: str = Prot.NONE
    relatives: int = 0
    children: int = 0
    threat_actor: bool = True
    status: str = ProtectionCase.Status.OPEN
    journal: list[tuple[str, str]] = field(default_factory=list)  # (visibility, text)


VM = "PSS Västmanland"
SD = "Brottsofferstöd Södertörn"
ANNA = "handlaggare@polis.example"
BENGT = "kollega@polis.example"
CECILIA = "chef@polis.example"
DAVID = "sodertorn@polis.example"

CASES = [
    DemoCase(
        VM,
        ANNA,
        Cat.CLOSE_RELATIONSHIP,
        "Tidigare sambo har misshandlat skyddspersonen vid två tillfällen och skickar hotfulla "
        "sms dagligen. Bedöms ha kännedom om arbetsplatsen.",
        40,
        protection=Prot.SKYDDAD_FOLKBOKFORING,
        children=2,
        journal=[
            (Vis.SHARED, "Skyddspersonen har informerats om kvinnojouren och brottsofferjouren."),
            (Vis.POLICE_INTERNAL, "Kontakt med utredare om kontaktförbud. Beslut väntas."),
        ],
    ),
    DemoCase(
        VM,
        ANNA,
        Cat.HONOUR,
        "Flera familjemedlemmar har uttalat hot efter att skyddspersonen flyttat hemifrån. "
        "Risk för bortförande utomlands.",
        25,
        protection=Prot.SEKRETESSMARKERING,
        relatives=1,
        journal=[(Vis.SHARED, "Gemensamt möte med socialtjänsten bokat.")],
    ),
    DemoCase(
        VM,
        BENGT,
        Cat.STALKING,
        "Okänd person följer efter skyddspersonen till och från arbetet.",
        60,
        threat_actor=False,
    ),
    DemoCase(
        VM,
        ANNA,
        Cat.WITNESS,
        "Vittne i mål om grovt vapenbrott. Hot framförda via tredje person.",
        15,
        restricted=True,
        protection=Prot.FINGERADE,
        journal=[(Vis.POLICE_INTERNAL, "Ärendet hanteras inom särskilt personsäkerhetsarbete.")],
    ),
    DemoCase(
        VM,
        BENGT,
        Cat.INFORMANT,
        "Informatör i narkotikautredning. Identiteten kan ha röjts.",
        8,
        restricted=True,
        others=[CECILIA],
    ),
    DemoCase(
        VM,
        ANNA,
        Cat.JUSTICE_EMPLOYEE,
        "Åklagare har fått hotbrev till bostadsadressen.",
        90,
        others=[BENGT],
    ),
    DemoCase(
        VM,
        BENGT,
        Cat.RELATIVE,
        "Barn till skyddsperson i annat ärende. Hot via sociala medier.",
        30,
        children=1,
    ),
    DemoCase(
        VM,
        ANNA,
        Cat.OTHER,
        "Granne har hotat med kniv efter tvist om parkering.",
        120,
        status=ProtectionCase.Status.CLOSED,
    ),
    DemoCase(
        VM,
        CECILIA,
        Cat.CLOSE_RELATIONSHIP,
        "Före detta partner har överträtt kontaktförbud två gånger.",
        5,
        relatives=1,
        journal=[(Vis.SHARED, "Larmtelefon diskuterad med skyddspersonen.")],
    ),
    DemoCase(
        SD,
        DAVID,
        Cat.CLOSE_RELATIONSHIP,
        "Maken har hotat att döda skyddspersonen om hon lämnar honom.",
        20,
        children=3,
    ),
    DemoCase(
        SD,
        DAVID,
        Cat.HONOUR,
        "Skyddspersonens bröder letar efter henne.",
        12,
        protection=Prot.SKYDDAD_FOLKBOKFORING,
        relatives=1,
    ),
    DemoCase(
        SD,
        DAVID,
        Cat.STALKING,
        "Tidigare klient förföljer skyddspersonen, som är socialsekreterare.",
        45,
    ),
]


def _personnummer(rng: random.Random, born: date) -> str:
    serial = f"{rng.randint(0, 999):03d}"
    check = luhn.calc_check_digit(born.strftime("%y%m%d") + serial)
    return f"{born:%Y%m%d}-{serial}{check}"


def _person(
    fake: Faker, rng: random.Random, *, age: tuple[int, int], **extra: Any
) -> dict[str, Any]:
    today = timezone.localdate()
    born = today - timedelta(days=rng.randint(age[0] * 365, age[1] * 365))
    with_number = rng.random() > 0.15
    data: dict[str, Any] = {
        "first_name": fake.first_name(),
        "last_name": fake.last_name(),
        "personnummer": _personnummer(rng, born) if with_number else "",
        "date_of_birth": born,
        "phone": fake.phone_number(),
        "street_address": fake.street_address(),
        "postal_code": fake.postcode(),
        "city": fake.city(),
        "protection": Prot.NONE,
    }
    data.update(extra)
    return data


def _disclose(
    case: ProtectionCase,
    recipient: Organisation,
    creator: User,
    *,
    handlers: list[User],
    valid_from: date,
    valid_until: date | None = None,
    withdrawn: bool = False,
    **kwargs: Any,
) -> Disclosure:
    """Disclosures are made directly here; issue 3 part B builds their forms."""
    values: dict[str, Any] = {
        "legal_basis": Disclosure.LegalBasis.CONSENT,
        "consent_given_by": "Skyddspersonen",
        "consent_form": Disclosure.ConsentForm.WRITTEN,
        "consent_date": valid_from,
    }
    values.update(kwargs)
    disclosure = Disclosure.objects.create(
        case=case,
        recipient=recipient,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=creator,
        **values,
    )
    disclosure.handlers.set(handlers)
    services.journal(
        case, creator, f"Utlämnande till {recipient.name} registrerat.", organisation=case.unit
    )
    if withdrawn:
        disclosure.withdrawn_at = timezone.now() - timedelta(days=2)
        disclosure.withdrawn_by = creator
        disclosure.withdrawal_reason = "Skyddspersonen återkallade sitt samtycke."
        disclosure.save()
        services.journal(
            case,
            creator,
            f"Utlämnande till {recipient.name} återkallat.",
            organisation=case.unit,
        )
    return disclosure


@transaction.atomic
def seed() -> bool:
    """Create the demo cases once. Returns False if they already exist."""
    accounts_demo.seed()
    units = {o.name: o for o in Organisation.objects.filter(name__in=[VM, SD])}
    if ProtectionCase.objects.filter(unit__in=units.values()).exists():
        return False
    users = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    orgs = {o.municipality_name: o for o in Organisation.objects.filter(kind="social")}
    fake = Faker("sv_SE")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    today = timezone.localdate()

    created: list[ProtectionCase] = []
    actors: list[Person] = []
    for spec in CASES:
        handler = users[spec.handler]
        protected = _person(fake, rng, age=(18, 60), protection=spec.protection)
        actor = _person(fake, rng, age=(20, 65)) if spec.threat_actor else None
        opened = today - timedelta(days=spec.days_ago)
        case = services.open_case(
            handler,
            unit=units[spec.unit],
            category=spec.category,
            threat_picture=spec.threat_picture,
            restricted=spec.restricted,
            responsible=[users[e] for e in spec.others],
            protected=protected,
            threat_actor=actor,
            opened_on=opened,
        )
        case.journal.update(occurred_on=opened)
        for role, count, age in (
            (Role.RELATIVE, spec.relatives, (18, 80)),
            (Role.CHILD, spec.children, (1, 17)),
        ):
            for _ in range(count):
                services.add_participant(
                    handler, case, role=role, person_data=_person(fake, rng, age=age)
                )
        for i, (visibility, text) in enumerate(spec.journal):
            services.add_journal_entry(
                handler,
                case,
                occurred_on=opened + timedelta(days=i + 1),
                text=text,
                visibility=visibility,
            )
        if spec.status == ProtectionCase.Status.CLOSED:
            ProtectionCase.objects.filter(pk=case.pk).update(
                status=spec.status, closed_on=today - timedelta(days=10)
            )
        if actor:
            actors.append(case.participants.get(role=Role.THREAT_ACTOR).person)
        created.append(case)

    # One threat actor in two cases: the same person, not a copy.
    Participant.objects.create(
        case=created[6], person=actors[0], role=Role.THREAT_ACTOR, note="Samma hotutövare."
    )

    # Secret dwellings: a police-only one (known only to the assigned staff) and one that a
    # disclosure may include.
    first_protected = created[0].participants.get(role=Role.PROTECTED).person
    SecretDwelling.objects.create(
        case=created[0],
        person=first_protected,
        description="Tillfälligt skyddat boende",
        address="Skyddat boende (demo), adress känd av ansvarig handläggare",
        police_only=True,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=60),
    )
    SecretDwelling.objects.create(
        case=created[2],
        person=created[2].participants.get(role=Role.PROTECTED).person,
        description="Jourlägenhet via kommunen",
        address="Jourlägenhet (demo), Storgatan 1, Sala",
        valid_from=today - timedelta(days=10),
    )

    anna, cecilia = users[ANNA], users[CECILIA]
    koping, sala, arboga = orgs["Köping"], orgs["Sala"], orgs["Arboga"]
    eva, gun, hanna = (
        users["soc.koping@kommun.example"],
        users["soc.sala@kommun.example"],
        users["soc.arboga@kommun.example"],
    )
    # Active, with the Köping handler assigned; all scopes but the dwelling.
    _disclose(
        created[0],
        koping,
        anna,
        handlers=[eva],
        valid_from=today - timedelta(days=20),
        valid_until=today + timedelta(days=160),
        scope_risk_full=True,
    )
    # Active, limited scope (no persons), another legal basis.
    _disclose(
        created[1],
        koping,
        anna,
        handlers=[eva],
        valid_from=today - timedelta(days=5),
        legal_basis=Disclosure.LegalBasis.OSL_10_18C,
        consent_given_by="",
        consent_form="",
        consent_date=None,
        scope_persons=False,
    )
    # Active in Sala, the dwelling included.
    _disclose(
        created[2],
        sala,
        users[BENGT],
        handlers=[gun],
        valid_from=today - timedelta(days=3),
        scope_secret_dwelling=True,
    )
    # Pending: starts next week.
    _disclose(
        created[5],
        arboga,
        anna,
        handlers=[hanna],
        valid_from=today + timedelta(days=7),
        valid_until=today + timedelta(days=90),
    )
    # Expired yesterday.
    _disclose(
        created[7],
        arboga,
        anna,
        handlers=[hanna],
        valid_from=today - timedelta(days=100),
        valid_until=today - timedelta(days=1),
    )
    # Withdrawn.
    _disclose(
        created[8],
        koping,
        cecilia,
        handlers=[eva],
        valid_from=today - timedelta(days=4),
        withdrawn=True,
    )
    return True
