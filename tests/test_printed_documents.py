# ruff: noqa: F811
"""No printed document carries a secret dwelling or a protected address (issue 11, item 3).

Paper leaves the office: whoever prints – the responsible police handler included – the
print view and every PDF leave out every secret dwelling (police-only or not) and the
address of everyone with protected personal data. The routes are found in the URL
configuration (a name or path that says pdf, print, utskrift, kvittens or receipt), so a
PDF route added later is covered as soon as the permission matrix knows it; each is fetched
as every persona of the matrix and the text, the raw PDF objects and the metadata searched.
"""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Participant, Person, SecretDwelling
from cases.plan import services as plan_services
from tests.conftest import verified_login
from tests.factories import PersonFactory
from tests.matrix import PERSONAS, World
from tests.test_pdf import all_pdf_bytes, text_of

# The matrix's ``world`` fixture, imported to be shared (hence F811 on its parameters).
from tests.test_permission_matrix import _routes, world  # noqa: F401
from tests.urlwalk import walk

PRINTED = re.compile(r"pdf|print|utskrift|kvittens|receipt", re.IGNORECASE)

POLICE_ONLY_DWELLING = "Hemliggatan 3, Eskilstuna"
SHARED_DWELLING = "Skyddsboendevägen 14, Arboga"
PROTECTED_ADDRESS = "Folkbokföringsgatan 5"
MARKED_ADDRESS = "Sekretessgränd 9"
SENTINELS = [POLICE_ONLY_DWELLING, SHARED_DWELLING, PROTECTED_ADDRESS, MARKED_ADDRESS]
# Parts that would survive a line break in the PDF text.
FRAGMENTS = ["Hemliggatan", "Skyddsboendevägen", "Folkbokföringsgatan", "Sekretessgränd"]


def printed_routes() -> list[str]:
    return sorted(
        {url.name for url in walk() if PRINTED.search(url.name) or PRINTED.search(url.path)}
        - {"admin:jsi18n"}
    )


def test_the_printed_routes_are_found_and_all_in_the_matrix() -> None:
    names = printed_routes()
    assert {"cases:plan_print", "cases:plan_pdf", "alarms:loan_receipt"} <= set(names)
    declared = {route.name for route in _routes()}
    assert set(names) <= declared, set(names) - declared


def _plant(world: World) -> None:
    case = world.case
    row = case.participants.get(role=Participant.Role.PROTECTED)
    protected = row.person
    protected.protection = Person.Protection.SKYDDAD_FOLKBOKFORING
    protected.save()
    row.street_address = PROTECTED_ADDRESS
    row.save()
    relative = PersonFactory(protection=Person.Protection.SEKRETESSMARKERING)
    Participant.objects.create(
        case=case, person=relative, role=Participant.Role.RELATIVE, street_address=MARKED_ADDRESS
    )
    SecretDwelling.objects.create(
        case=case,
        person=protected,
        description="Skyddat boende",
        address=POLICE_ONLY_DWELLING,
        police_only=True,
    )
    SecretDwelling.objects.create(
        case=case, person=relative, description="Tillfälligt boende", address=SHARED_DWELLING
    )
    # Social services may even see the shared dwelling on screen: never on paper.
    case.disclosures.update(scope_secret_dwelling=True)


def _agree(world: World) -> None:
    plan = world.case.plans.get(number=1)
    plan = plan_services.confirm(world.users["handler"], plan, expected_version=plan.version)
    plan_services.confirm(world.users["social"], plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.status == "agreed"


def _check_every_printed_document(world: World) -> None:
    fetched: dict[str, list[str]] = {}
    leaks = []
    names = printed_routes()
    for route in [route for route in _routes() if route.name in names]:
        name = route.name
        kwargs = route.kwargs(world)
        planted = kwargs.get("key") == world.case.key
        path = reverse(name, kwargs=kwargs)
        for persona in PERSONAS:
            response = verified_login(Client(), world.users[persona]).get(path)
            if response.status_code != 200:
                continue
            if planted:
                fetched.setdefault(name, []).append(persona)
            if response["Content-Type"] == "application/pdf":
                pdf = response.content
                info = PdfReader(io.BytesIO(pdf)).metadata or {}
                text = " ".join(" ".join(text_of(pdf)).split())
                metadata = " ".join(str(value) for value in info.values())
                haystack = "\n".join(
                    [text, metadata, all_pdf_bytes(pdf).decode("utf-8", "replace")]
                )
                if name == "cases:plan_pdf" and planted:
                    assert "Boendet är känt av ansvarig" in text, (name, persona)
            else:
                haystack = response.content.decode()
            haystack += " ".join(f"{k}: {v}" for k, v in response.items())
            for sentinel in SENTINELS + FRAGMENTS:
                if sentinel in haystack:
                    leaks.append(f"{name} as {persona}: {sentinel}")
    assert not leaks, "\n".join(leaks)
    # Not vacuous: the police and the social-services handler printed the plan.
    assert {"handler", "head", "social"} <= set(fetched["cases:plan_pdf"])
    assert {"handler", "social"} <= set(fetched["cases:plan_print"])
    assert "handler" in fetched["alarms:loan_receipt"]


@pytest.mark.django_db
def test_no_printed_draft_carries_a_dwelling_or_a_protected_address(world: World) -> None:
    _plant(world)
    handler = verified_login(Client(), world.users["handler"])
    page = handler.get(reverse("cases:plan_version", kwargs={"key": world.case.key, "number": 1}))
    # On screen the responsible handler still sees the dwelling: the rule is about paper.
    assert POLICE_ONLY_DWELLING in page.text
    print_view = handler.get(
        reverse("cases:plan_print", kwargs={"key": world.case.key, "number": 1})
    )
    assert "Boendet är känt av ansvarig polishandläggare." in print_view.text
    _check_every_printed_document(world)


@pytest.mark.django_db
def test_no_printed_agreed_version_carries_a_dwelling_or_a_protected_address(
    world: World,
) -> None:
    _plant(world)
    _agree(world)
    _check_every_printed_document(world)
    # Both parties hold one document: the same section 1.1 for police and social services.
    texts = []
    for persona in ("handler", "social"):
        client = verified_login(Client(), world.users[persona])
        response = client.get(
            reverse("cases:plan_print", kwargs={"key": world.case.key, "number": 1})
        )
        texts.append(re.search(r'id="plan-s1-1".*?</table>', response.text, re.S).group(0))
    assert texts[0] == texts[1]
