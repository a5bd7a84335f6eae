# ruff: noqa: F811
"""Sentinel test (acceptance of issue 3): nothing outside the disclosed scope reaches
social services, on any page.

Unique strings are planted in every restricted field of the matrix world's cases. Each
social-services persona then crawls every GET route of the permission matrix (all modules in
tests/matrix, so routes added later are crawled automatically) and every same-site link found
on the way; no response may contain a sentinel outside the scope disclosed to that persona.
Police personas crawl the same way to show that no person data ever appears in a URL.

Other areas plant their own restricted strings by defining, in their tests/matrix module,
``sentinels(world) -> dict[str, str | None]``: sentinel → the disclosure scope under which
social services may see it (None: never).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import import_module
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

import tests.matrix
from accounts.models import Membership, Organisation
from cases import access
from cases.models import (
    Disclosure,
    JournalEntry,
    Participant,
    SecretDwelling,
)
from cases.models.disclosure import SCOPE_FIELDS
from tests.conftest import verified_login
from tests.factories import UserFactory
from tests.matrix import World

# The matrix's ``world`` fixture, imported to be shared (hence F811 on its parameters).
from tests.test_permission_matrix import _routes, world  # noqa: F401

NEVER = None
MAX_PAGES_PER_PERSONA = 400

SOCIAL_PERSONAS = ("social", "social_withdrawn", "social_expired", "social_other", "social_head")
POLICE_PERSONAS = ("handler", "colleague", "colleague_bg", "head", "other_police")

# Personnummer are planted in the three forms a URL could carry them.
PNR_PROTECTED = "19370412-9133"
PNR_THREAT = "19520923-8749"


def _pnr_forms(pnr: str) -> list[str]:
    digits = pnr.replace("-", "")
    return [pnr, digits, digits[2:], f"{digits[2:8]}-{digits[8:]}"]


def _plant_person(row: Participant, tag: str, pnr: str = "") -> dict[str, str | None]:
    """Sentinels in the person (identity) and in this case's row (contact details)."""
    person = row.person
    person.first_name = f"SNTLFIRST{tag}"
    person.last_name = f"SNTLLAST{tag}"
    person.personnummer = pnr
    person.save()
    row.phone = f"SNTLPHONE{tag}"
    row.street_address = f"SNTLSTREET{tag}"
    row.postal_code = f"SP{tag}"[:10]
    row.city = f"SNTLCITY{tag}"
    row.save()
    planted = {
        person.first_name: "scope_persons",
        person.last_name: "scope_persons",
        row.phone: "scope_persons",
        row.street_address: "scope_persons",
        row.city: "scope_persons",
    }
    if pnr:
        planted.update(dict.fromkeys(_pnr_forms(pnr), "scope_persons"))
    return planted


def plant(world: World) -> dict[str, str | None]:
    """Plant sentinels in world.case (and the withdrawn/expired cases); return
    {sentinel: scope under which the social reader of world.case may see it, or None}."""
    case = world.case
    planted: dict[str, str | None] = {}

    # The threat picture belongs to the risk summary at the most.
    case.threat_picture = "SNTLTHREATPICTURE"
    case.save()
    planted["SNTLTHREATPICTURE"] = NEVER  # intelligence material: police only

    protected = case.participants.get(role=Participant.Role.PROTECTED)
    threat = case.participants.get(role=Participant.Role.THREAT_ACTOR)
    protected.note = "SNTLPARTICIPANTNOTE"
    protected.save()
    planted["SNTLPARTICIPANTNOTE"] = "scope_persons"
    planted |= _plant_person(protected, "PROT", PNR_PROTECTED)
    planted |= _plant_person(threat, "THREAT", PNR_THREAT)

    # Police-internal notes: never for social services.
    JournalEntry.objects.create(
        case=case,
        author=world.users["handler"],
        occurred_on=timezone.localdate(),
        visibility=JournalEntry.Visibility.POLICE_INTERNAL,
        text="SNTLINTERNALNOTE",
    )
    planted["SNTLINTERNALNOTE"] = NEVER

    # A dwelling known only to assigned police staff, and one that may be disclosed.
    SecretDwelling.objects.create(
        case=world.case,
        person=protected.person,
        description="SNTLPOLICEONLYKIND",
        address="SNTLPOLICEONLYADDRESS",
        police_only=True,
    )
    SecretDwelling.objects.create(
        case=world.case,
        person=protected.person,
        description="SNTLDWELLINGKIND",
        address="SNTLDWELLINGADDRESS",
        police_only=False,
    )
    planted["SNTLPOLICEONLYKIND"] = NEVER
    planted["SNTLPOLICEONLYADDRESS"] = NEVER
    planted["SNTLDWELLINGADDRESS"] = "scope_secret_dwelling"

    # Break-the-glass reasons and the access log: never for social services.
    access.break_the_glass(
        world.users["colleague"], case, reason="SNTLBREAKGLASSREASON skyddspersonen ringde jourtid"
    )
    planted["SNTLBREAKGLASSREASON"] = NEVER
    access.record_access(
        world.users["head"], case=case, channel="detail", granted=True, what="SNTLLOGWHAT"
    )
    planted["SNTLLOGWHAT"] = NEVER

    # Another municipality's disclosure of the same case: Köping must not learn of it.
    sala = Organisation.objects.get(name="Socialtjänsten Sala")
    Disclosure.objects.create(
        case=case,
        recipient=sala,
        legal_basis=Disclosure.LegalBasis.OTHER,
        legal_basis_text="SNTLSALABASIS",
        valid_from=timezone.localdate(),
    )
    planted["SNTLSALABASIS"] = NEVER
    # Consent details and withdrawal reasons are police records, not shown to the recipient.
    Disclosure.objects.filter(case=case, recipient__name="Socialtjänsten Köping").update(
        consent_given_by="SNTLCONSENTGIVER"
    )
    planted["SNTLCONSENTGIVER"] = NEVER
    Disclosure.objects.filter(case=world.withdrawn_case).update(
        withdrawal_reason="SNTLWITHDRAWREASON"
    )
    planted["SNTLWITHDRAWREASON"] = NEVER

    # The withdrawn and expired cases: nobody in social services has access any more.
    for other, tag in ((world.withdrawn_case, "WDR"), (world.expired_case, "EXP")):
        other.threat_picture = f"SNTLTHREAT{tag}"
        other.save()
        planted[f"SNTLTHREAT{tag}"] = NEVER
        row = other.participants.get(role=Participant.Role.PROTECTED)
        planted |= dict.fromkeys(_plant_person(row, tag), NEVER)
    return planted


def _all_sentinels(world: World) -> dict[str, str | None]:
    planted = plant(world)
    for info in pkgutil.iter_modules(tests.matrix.__path__):
        hook = getattr(import_module(f"tests.matrix.{info.name}"), "sentinels", None)
        if hook:
            planted |= hook(world)
    return planted


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.follow: list[str] = []  # links a user can GET
        self.urls: list[str] = []  # every URL in the page (links, form actions, sources)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "action", "src", "formaction", "data-url"):
            if values.get(name):
                self.urls.append(values[name] or "")
        if tag == "a" and values.get("href"):
            self.follow.append(values["href"] or "")


SKIP_PREFIXES = ("/static/", f"/{settings.ADMIN_URL_PREFIX}/", "/i18n/", "/logout", "/login")


def _followable(path: str) -> bool:
    if path.startswith(SKIP_PREFIXES):
        return False
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def crawl(client: Client, start: list[str]) -> Iterator[tuple[str, int, str, list[str]]]:
    """(path, status, body, urls in the page) for every page reachable from ``start``."""
    queue = list(dict.fromkeys(start))
    seen = set(queue)
    while queue:
        assert len(seen) <= MAX_PAGES_PER_PERSONA, "crawl does not end"
        path = queue.pop(0)
        response = client.get(path)
        body = response.content.decode(errors="replace")
        parser = _Links()
        if response.get("Content-Type", "").startswith("text/html"):
            parser.feed(body)
        urls = [*parser.urls, response.get("Location", "")]
        yield (
            path,
            response.status_code,
            body + "\n".join(f"{k}: {v}" for k, v in response.items()),
            urls,
        )
        for link in [*parser.follow, response.get("Location", "")]:
            if not link:
                continue
            target, _fragment = urldefrag(urljoin(path, link))
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen and _followable(parts.path):
                seen.add(local)
                queue.append(local)


def _start_paths(world: World) -> list[str]:
    return [
        reverse(route.name, kwargs=route.kwargs(world))
        for route in _routes()
        if not route.post_only
    ]


@pytest.fixture
def social_head(world: World):
    koping = Organisation.objects.get(name="Socialtjänsten Köping")
    user = UserFactory(email="sentinel-head@koping.test")
    Membership.objects.create(user=user, organisation=koping, role=Membership.Role.HEAD)
    world.users["social_head"] = user
    return user


LIMITED_SCOPES = [("scope_persons",), ("scope_measures", "scope_plan")]


@pytest.mark.django_db
@pytest.mark.parametrize("scopes", LIMITED_SCOPES, ids=["+".join(s) for s in LIMITED_SCOPES])
def test_social_services_see_nothing_outside_the_disclosed_scope(
    world: World, social_head, scopes: tuple[str, ...]
) -> None:
    sentinels = _all_sentinels(world)
    # Limit world.case's disclosure to Köping to these scopes.
    Disclosure.objects.filter(case=world.case, recipient__name="Socialtjänsten Köping").update(
        **{name: name in scopes for name in SCOPE_FIELDS}
    )
    start = _start_paths(world)
    detail = reverse("cases:detail", kwargs={"key": world.case.key})
    leaks = []
    for persona in SOCIAL_PERSONAS:
        # Only Köping's assigned handler and head read world.case, within ``scopes``.
        allowed = set(scopes) if persona in ("social", "social_head") else set()
        forbidden = [s for s, scope in sentinels.items() if scope is NEVER or scope not in allowed]
        client = verified_login(Client(), world.users[persona])
        statuses = {}
        for path, status, body, _urls in crawl(client, start):
            statuses[path] = status
            leaks += [f"{persona} {path}: {s}" for s in forbidden if s in body]
        if persona in ("social", "social_head"):
            assert statuses.get(detail) == 200, f"{persona} never read the disclosed case"
        else:
            assert statuses.get(detail) == 404
    assert not leaks, "\n".join(leaks)


@pytest.mark.django_db
def test_sentinels_are_planted_where_police_can_see_them(world: World) -> None:
    """The crawl is not blind: the head reads the planted log strings on the log page."""
    _all_sentinels(world)
    client = verified_login(Client(), world.users["head"])
    bodies = "".join(body for _p, _s, body, _u in crawl(client, _start_paths(world)))
    assert "SNTLBREAKGLASSREASON" in bodies and "SNTLLOGWHAT" in bodies


@pytest.mark.django_db
def test_no_person_data_in_any_url_for_police(world: World) -> None:
    sentinels = _all_sentinels(world)
    person_strings = [
        s for s, scope in sentinels.items() if scope == "scope_persons" or s.startswith("SNTL")
    ]
    person_strings += _pnr_forms(PNR_PROTECTED) + _pnr_forms(PNR_THREAT)
    leaks = []
    for persona in POLICE_PERSONAS:
        client = verified_login(Client(), world.users[persona])
        for path, _status, _body, urls in crawl(client, _start_paths(world)):
            for url in [path, *urls]:
                leaks += [f"{persona} {path}: {s} in {url}" for s in person_strings if s in url]
    assert not leaks, "\n".join(leaks)
