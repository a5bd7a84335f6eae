"""The national data set: ~200,000 cases as the whole country would have them (issue 16).

``generate(scale)`` fills the current database (already migrated, no cases yet) with
explicit ids: organisations and users through ``bulk_create``, the millions of case rows
through COPY (bench/national_copy.py), which fills every column not named here as
``bulk_create`` would – so columns other branches add get their defaults. At ``scale=1``:
21 police units of skewed size (Stockholm ~40,000 cases), 290 social-services
organisations, ~5,000 users, ~620,000 persons and participants, ~800,000 measures
(kontaktförbud and its follow-up among them), follow-ups, journal notes, disclosures to
social services with assigned handlers, two guardian object permissions (view and change,
as ``cases.services.handlers`` grants them) per responsible handler, break-the-glass
openings and ~1.2 M access-log rows chained exactly as the app chains them. Generator v3
adds addresses and secret dwellings (bench/national_places.py), risk assessments
(bench/national_risk.py) and alarm equipment (bench/national_alarms.py) from a second
random stream, so what v2 made is unchanged.

Everything is fictional and deterministic (seeded). Named personas (``Personas``) have
known e-mail addresses and a confirmed TOTP device; see bench/national_data.py.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from accounts.models import Membership, Organisation, User
from bench.national_copy import Tables
from bench.national_logs import make_access_log
from bench.national_names import COMMON_SURNAMES, FIRST_NAMES, TAIL_SURNAMES, UNITS
from cases.models import (
    ContactBan,
    Disclosure,
    FollowUp,
    JournalEntry,
    Participant,
    Person,
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
    ProtectiveMeasure,
)
from cases.models.persons import personnummer_hmac

NATIONAL_CASES = 200_000
SOCIAL_ORGS = 290
PERSONA_HANDLER_CASES = 200
PERSONA_SOCIAL_CASES = 300
BATCH = 5000
CATEGORIES = [
    ("close_relationship", 55),
    ("honour", 11),
    ("stalking", 10),
    ("witness", 6),
    ("informant", 3),
    ("justice_employee", 3),
    ("relative", 7),
    ("other", 5),
]
PROTECTION = [("none", 85), ("sekretessmarkering", 10), ("skyddad_folkbokforing", 4)]
PROTECTION += [("fingerade", 1)]
BAN_MEASURES = ("kontaktforbud", "uppfoljning-kontaktforbud")
GUARDIAN = ["content_object_id", "permission_id", "user_id"]


@dataclass
class Personas:
    """The named users the benchmark logs in as, and what each may open (for the checks)."""

    head: str = ""  # head of the biggest unit: all its cases
    handler: str = ""  # responsible handler of ~200 cases in it
    colleague: str = ""  # handler there with no assignment, no grant: lists, opens nothing
    social: str = ""  # social-services handler assigned on ~300 active disclosures
    social_head: str = ""  # head of that organisation: all its active disclosures
    unit_cases: int = 0
    unit_listable: int = 0  # the colleague's list: the unit's unrestricted cases
    handler_cases: int = 0
    social_cases: int = 0
    social_head_cases: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _town_weight(k: int, n: int) -> float:
    """The county's big town (k = 0) has ~40 % of its disclosures; the others share the rest."""
    return max(3.0, 0.66 * (n - 1)) if k == 0 else 1.0


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], cum_weights=list(accumulate(p[1] for p in pairs)))[0]


@dataclass
class _Case:
    pk: int
    unit: int  # index into the units
    opened: date
    closed: date | None
    category: str
    restricted: bool
    responsible: list[int]
    disclosures: list[list[Any]]  # [org id, valid_from, valid_until, withdrawn_at, handler]
    # Filled by national_casework / national_risk for the later passes (risk, alarms):
    parts: dict[str, int] = field(default_factory=dict)  # role -> first participant id
    finals: list[tuple[date, int, str]] = field(default_factory=list)  # police: day, id, levels


class _Generator:
    def __init__(self, scale: float, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - fictional data, reproducible
        # A second stream for what generator v3 added (addresses, dwellings, assessments,
        # alarms): the rows of v2 stay exactly what they were, the same cases and personas.
        self.extra = random.Random(seed + 1)  # noqa: S311
        self.scale = scale
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.personas = Personas()
        self.seq: dict[str, int] = {}
        self.pnr_serial: dict[str, int] = {}
        self.case_refs: dict[int, str] = {}
        tail = [(name, 0.55) for name in TAIL_SURNAMES]
        self.surnames = [*COMMON_SURNAMES, *tail]
        self.surname_cum = list(accumulate(w for _n, w in self.surnames))

    def next_id(self, name: str) -> int:
        self.seq[name] = self.seq.get(name, 0) + 1
        return self.seq[name]

    # --- organisations and users ------------------------------------------------------------

    def organisations(self) -> None:
        total = max(60, round(NATIONAL_CASES * self.scale))
        shares = [share for _n, _p, share in UNITS]
        self.unit_sizes = [max(1, round(total * s / sum(shares))) for s in shares]
        self.units = Organisation.objects.bulk_create(
            Organisation(
                kind="police",
                name=f"PSS {county}",
                reference_prefix=f"PSS-{letters}",
                secrecy_marking="SEKRETESS enligt 35 kap. 1 § OSL",
            )
            for county, letters, _s in UNITS
        )
        # Municipalities per county in proportion to its size; the first is the big town.
        n_social = max(len(UNITS), round(SOCIAL_ORGS * min(1.0, self.scale * 20)))
        per_unit = [max(1, round(n_social * s / sum(shares))) for s in shares]
        socials: list[Organisation] = []
        self.social_by_unit: list[list[Organisation]] = []
        for u, (county, _letters, _s) in enumerate(UNITS):
            mine = [
                Organisation(
                    kind="social",
                    name=f"Socialtjänsten {county} {k + 1}",
                    municipality_code=f"{u + 1:02d}{k + 1:02d}",
                    municipality_name=f"{county} kommun {k + 1}",
                )
                for k in range(per_unit[u])
            ]
            self.social_by_unit.append(mine)
            socials += mine
        Organisation.objects.bulk_create(socials)
        self.social_weights = [
            list(accumulate(_town_weight(k, len(orgs)) for k in range(len(orgs))))
            for orgs in self.social_by_unit
        ]

    def _user(self, email: str, org: Organisation, role: str) -> User:
        first = self.rng.choice(FIRST_NAMES)
        last = self.surname()
        user = User(email=email, full_name=f"{first} {last}", password="!")
        self.members.append((user, org, role))
        return user

    def users(self) -> None:
        self.members: list[tuple[User, Organisation, str]] = []
        self.handlers: list[list[User]] = []
        self.heads: list[list[User]] = []
        for u, org in enumerate(self.units):
            n = max(3, round(self.unit_sizes[u] / 100))
            self.handlers.append(
                [self._user(f"h{u}.{i}@polis.bench", org, "handler") for i in range(n)]
            )
            self.heads.append(
                [self._user(f"chef{u}.{i}@polis.bench", org, "head") for i in range(2)]
            )
        self.social_handlers: dict[int, list[User]] = {}
        social_users = max(20, round(2900 * min(1.0, self.scale * 20)))
        orgs = [o for group in self.social_by_unit for o in group]
        weight = {
            o.name: self.unit_sizes[u] * _town_weight(k, len(group))
            for u, group in enumerate(self.social_by_unit)
            for k, o in enumerate(group)
        }
        total = sum(weight.values())
        for o in orgs:
            n = max(2, round(social_users * weight[o.name] / total))
            self.social_handlers[o.pk] = [
                self._user(f"s{o.municipality_code}.{i}@soc.bench", o, "handler") for i in range(n)
            ]
            self._user(f"s{o.municipality_code}.chef@soc.bench", o, "head")
        big, soc = self.units[0], self.social_by_unit[0][0]
        p = self.personas
        p.head, p.handler = "chef.stockholm@polis.bench", "handlaggare.stockholm@polis.bench"
        p.colleague = "kollega.stockholm@polis.bench"
        p.social, p.social_head = "soc.stockholm@soc.bench", "socchef.stockholm@soc.bench"
        self.p_head = self._user(p.head, big, "head")
        self.p_handler = self._user(p.handler, big, "handler")
        self.p_colleague = self._user(p.colleague, big, "handler")
        self.p_social = self._user(p.social, soc, "handler")
        self.p_social_head = self._user(p.social_head, soc, "head")
        users = User.objects.bulk_create([m[0] for m in self.members], batch_size=BATCH)
        Membership.objects.bulk_create(
            (
                Membership(user=user, organisation=org, role=role)
                for user, (_u, org, role) in zip(users, self.members, strict=True)
            ),
            batch_size=BATCH,
        )
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for persona in (self.p_head, self.p_handler, self.p_colleague, self.p_social):
            TOTPDevice.objects.create(user=persona, name="bench", confirmed=True)
        TOTPDevice.objects.create(user=self.p_social_head, name="bench", confirmed=True)
        self.handler_cum = [
            list(accumulate(1 / (1 + i / 40) for i in range(len(h)))) for h in self.handlers
        ]

    # --- the case skeletons ------------------------------------------------------------------

    def skeletons(self) -> list[_Case]:
        rng, cases = self.rng, []
        for u, size in enumerate(self.unit_sizes):
            persona_cases: set[int] = set()
            if u == 0:
                target = max(3, round(PERSONA_HANDLER_CASES * min(1.0, self.scale * 5)))
                persona_cases = set(rng.sample(range(size), min(target, size)))
            for i in range(size):
                age = int(2190 * rng.random() ** 1.4)
                opened = self.today - timedelta(days=age)
                p_open = 0.8 if age < 365 else 0.3 if age < 730 else 0.04
                closed = None
                if rng.random() >= p_open:
                    closed = min(
                        self.today - timedelta(days=1),
                        opened + timedelta(days=rng.randint(20, 700)),
                    )
                    closed = max(closed, opened)
                n_resp = _weighted(rng, [(1, 65), (2, 30), (3, 5)])
                picks = rng.choices(self.handlers[u], cum_weights=self.handler_cum[u], k=n_resp)
                responsible = list(dict.fromkeys(h.pk for h in picks))
                if i in persona_cases:
                    responsible = [self.p_handler.pk, *responsible[:1]]
                disclosures = []
                if rng.random() < (0.45 if closed is None else 0.2):
                    orgs = self.social_by_unit[u]
                    org = rng.choices(orgs, cum_weights=self.social_weights[u])[0]
                    start = min(self.today, opened + timedelta(days=rng.randint(0, 30)))
                    until = None if rng.random() < 0.6 else start + timedelta(days=365)
                    withdrawn = None
                    if closed is not None:
                        withdrawn = datetime.combine(max(closed, start), datetime.min.time())
                        withdrawn = timezone.make_aware(withdrawn)
                    elif rng.random() < 0.05:
                        withdrawn = self.now - timedelta(days=rng.randint(1, 100))
                    disclosures.append([org.pk, start, until, withdrawn, None])
                cases.append(
                    _Case(
                        pk=self.next_id("case"),
                        unit=u,
                        opened=opened,
                        closed=closed,
                        category=_weighted(rng, CATEGORIES),
                        restricted=rng.random() < 0.03,
                        responsible=responsible,
                        disclosures=disclosures,
                    )
                )
        self._assign_disclosures(cases)
        return cases

    def _assign_disclosures(self, cases: list[_Case]) -> None:
        """Handlers on the disclosures; the social persona on ~300 active ones of its org."""
        rng, soc = self.rng, self.social_by_unit[0][0].pk
        mine = [
            c
            for c in cases
            if c.unit == 0 and any(d[0] == soc and self._active(d) for d in c.disclosures)
        ]
        target = max(3, round(PERSONA_SOCIAL_CASES * min(1.0, self.scale * 5)))
        chosen = {c.pk for c in rng.sample(mine, min(target, len(mine)))}
        for case in cases:
            for d in case.disclosures:
                if case.pk in chosen and d[0] == soc and self._active(d):
                    d[4] = self.p_social.pk
                elif rng.random() < 0.85:
                    d[4] = rng.choice(self.social_handlers[d[0]]).pk
        p = self.personas
        p.social_cases = len(chosen)
        p.social_head_cases = len(mine)
        p.handler_cases = sum(self.p_handler.pk in c.responsible for c in cases)
        p.unit_cases = sum(c.unit == 0 for c in cases)
        p.unit_listable = sum(c.unit == 0 and not c.restricted for c in cases)

    def _active(self, d: list[Any]) -> bool:
        return d[3] is None and d[1] <= self.today and (d[2] is None or d[2] >= self.today)

    # --- persons -----------------------------------------------------------------------------

    def surname(self) -> str:
        pick = self.rng.random() * self.surname_cum[-1]
        return self.surnames[bisect(self.surname_cum, pick)][0]

    def personnummer(self, born: date) -> str:
        day = born.strftime("%Y%m%d")
        serial = self.pnr_serial[day] = self.pnr_serial.get(day, 0) + 1
        digits = f"{day[2:]}{serial % 1000:03d}"
        if serial >= 1000:  # more than 999 persons born on one day: use a samordningsnummer
            digits = f"{day[2:6]}{int(day[6:]) + 60:02d}{serial % 1000:03d}"
            day = day[:6] + digits[4:6]
        return f"{day}-{digits[6:]}{luhn.calc_check_digit(digits)}"

    def person(self, tables: Tables, adult: bool) -> int:
        rng = self.rng
        if adult:
            born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
        else:
            born = self.today - timedelta(days=rng.randint(365, 365 * 17))
        pnr = self.personnummer(born) if rng.random() < 0.88 else ""
        pk = self.next_id("person")
        tables.add(
            Person,
            pk=pk,
            first_name=rng.choice(FIRST_NAMES),
            last_name=self.surname(),
            personnummer=pnr,
            personnummer_hmac=personnummer_hmac(pnr) if pnr else "",
            date_of_birth=born,
            protection=_weighted(rng, PROTECTION),
        )
        return pk


def generate(scale: float = 1.0, seed: int = 16, log: Any = print) -> Personas:
    """Fill the (migrated, empty) default database; return the personas."""
    started = time.monotonic()
    g = _Generator(scale, seed)
    with transaction.atomic():
        g.organisations()
        g.users()
    cases = g.skeletons()
    log(f"  organisations, users, {len(cases)} case skeletons: {time.monotonic() - started:.0f} s")
    # Imported here: bench.national_casework imports this module's generator and constants.
    from bench.national_casework import _case_rows

    _case_rows(g, cases, log)
    # COPY wrote every case's kontaktförbud flag false: set it from the rows, as the services
    # keep it (one UPDATE).
    from cases.casework.services import refresh_contact_ban_flags

    with transaction.atomic():
        refresh_contact_ban_flags(ProtectionCase.objects.all())
    log(f"  cases and case work: {time.monotonic() - started:.0f} s")
    from bench.national_alarms import make_alarms
    from bench.national_risk import make_assessments, persona_case

    risk = make_assessments(g, cases, log)
    log(f"  risk assessments: {time.monotonic() - started:.0f} s")
    alarms = make_alarms(g, cases, persona_case(g, cases))
    log(f"  alarm equipment: {time.monotonic() - started:.0f} s")
    g.personas.counts["access_log"] = make_access_log(g, cases)
    log(f"  access log: {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        from django.core.management.color import no_style

        from accounts.models import Membership as M

        tables = [ProtectionCase, Person, Participant, ContactBan, ProtectiveMeasure, FollowUp]
        tables += [JournalEntry, Disclosure, ProtectionCaseUserObjectPermission, User, M]
        from cases.models import AccessLogEntry, BreakGlassAccess, BreakGlassReview

        tables += [AccessLogEntry, BreakGlassAccess, BreakGlassReview, Disclosure.handlers.through]
        from alarms.models import Device, Loan, ReadinessCheck
        from riskassessment.models import Assessment

        tables += [Assessment, Device, Loan, ReadinessCheck]
        for sql in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(sql)
    for model in (ProtectionCase, Person, Participant, ProtectiveMeasure, FollowUp, Disclosure):
        g.personas.counts[model._meta.model_name or ""] = model.objects.count()
    g.personas.counts["guardian"] = ProtectionCaseUserObjectPermission.objects.count()
    g.personas.counts["users"] = User.objects.count()
    g.personas.counts |= {f"risk_{k}": v for k, v in risk.items()}
    g.personas.counts |= {f"alarm_{k}": v for k, v in alarms.items()}
    from cases.models import SecretDwelling

    g.personas.counts["secret_dwelling"] = SecretDwelling.objects.count()
    return g.personas
