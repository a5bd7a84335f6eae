"""Browser: an honour case with three threat actors and one assessment per actor shows three
risk levels on the case page (issue 11); axe finds no violation. The screenshot is saved
under test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import demo
from accounts.models import User
from cases.models import Participant, ProtectionCase
from tests.e2e.conftest import SCREENSHOTS, current_totp, login_through_forms
from tests.factories import PersonFactory, make_case
from tests.riskassessment.test_threat_actors import assess

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_three_threat_actors_show_three_risk_levels(new_page) -> None:
    demo.seed()
    user = User.objects.get(email="handlaggare@polis.example")
    case = make_case(user, category=ProtectionCase.Category.HONOUR)
    for first_name in ("Bror", "Farbror"):
        Participant.objects.create(
            case=case,
            person=PersonFactory(first_name=first_name, last_name="Hotsson"),
            role=Participant.Role.THREAT_ACTOR,
        )
    actors = list(case.participants.filter(role="threat_actor").order_by("created_at", "pk"))
    for actor, (code, level) in zip(
        actors, (("PATRIARK", "high"), ("SARA_SV", "medium"), ("SAM", "low")), strict=True
    ):
        assess(user, case, [actor], level, code)

    page, check = new_page()
    login_through_forms(page, user.email, demo.DEMO_PASSWORD, current_totp(user))
    page.goto(f"/arenden/{case.key}/")
    levels = page.locator(".ra-actor-levels li")
    expect(levels).to_have_count(3)
    for number, (actor, label) in enumerate(zip(actors, ("Hög", "Medel", "Låg"), strict=True), 1):
        item = levels.nth(number - 1)
        expect(item).to_contain_text(f"Hotutövare {number} ({actor.person.full_name})")
        expect(item.locator(".badge")).to_have_text(label)
    check("three-risk-levels")
    page.locator(".ra-panel").screenshot(path=str(SCREENSHOTS / "issue11-three-risk-levels.png"))
