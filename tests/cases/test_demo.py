"""Demo cases: a dozen fictional cases, every disclosure state, seeded once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from cases import access, demo
from cases import personnummer as pnr
from cases.models import Disclosure, Participant, Person, ProtectionCase, SecretDwelling
from cases.models.persons import personnummer_hmac

pytestmark = pytest.mark.django_db


def test_seed_creates_a_dozen_cases_once() -> None:
    assert demo.seed() is True
    assert demo.seed() is False
    assert ProtectionCase.objects.count() == 12
    assert {c.unit.name for c in ProtectionCase.objects.select_related("unit")} == {
        "PSS Västmanland",
        "Brottsofferstöd Södertörn",
    }
    assert ProtectionCase.objects.values("category").distinct().count() == 8
    assert ProtectionCase.objects.filter(restricted=True).count() >= 2
    assert ProtectionCase.objects.filter(status="closed").exists()


def test_demo_covers_every_disclosure_state_and_the_municipalities() -> None:
    demo.seed()
    states = {d.state for d in Disclosure.objects.all()}
    assert states == {"active", "pending", "expired", "withdrawn"}
    assert Disclosure.objects.values("recipient").distinct().count() == 3
    for disclosure in Disclosure.objects.all():
        if disclosure.state == "active":
            assert disclosure.handlers.exists()


def test_demo_people_are_valid_and_protected_where_it_matters() -> None:
    demo.seed()
    for person in Person.objects.exclude(personnummer=""):
        assert pnr.normalise(person.personnummer) == person.personnummer
        assert person.personnummer_hmac == personnummer_hmac(person.personnummer)
    levels = set(Person.objects.values_list("protection", flat=True))
    assert {"skyddad_folkbokforing", "sekretessmarkering", "fingerade"} <= levels
    assert SecretDwelling.objects.filter(police_only=True).exists()
    shared = Person.objects.filter(participations__isnull=False)
    assert any(p.participations.count() > 1 for p in shared.distinct())
    assert Participant.objects.filter(role="child").exists()


def test_demo_users_see_what_the_story_says() -> None:
    demo.seed()
    eva = User.objects.get(email="soc.koping@kommun.example")
    hanna = User.objects.get(email="soc.arboga@kommun.example")
    anna = User.objects.get(email="handlaggare@polis.example")
    assert access.openable_cases(eva).count() == 2  # active ones; the withdrawn one is gone
    assert access.openable_cases(hanna).count() == 0  # pending and expired
    assert access.assigned_cases(anna).count() >= 5


def test_seed_demo_command_runs_the_case_seed() -> None:
    call_command("seed_demo", "--quiet")
    assert ProtectionCase.objects.count() == 12


def test_seed_demo_command_seeds_every_part_once(tmp_path) -> None:
    import json

    from django.core.management import call_command

    from cases.models import ProtectionPlan
    from riskassessment.models import Assessment

    creds = tmp_path / "creds.json"
    call_command("seed_demo", "--quiet", "--credentials-file", str(creds))
    plans = ProtectionPlan.objects.count()
    assert plans >= 1 and Assessment.objects.exists()
    assert {"email", "password", "totp_secret", "role", "organisation"} <= set(
        json.loads(creds.read_text())[0]
    )
    call_command("seed_demo", "--quiet")
    assert ProtectionPlan.objects.count() == plans
