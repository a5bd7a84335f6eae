"""A police handler completes a SARA:SV assessment with the keyboard only, finalises it, and
the case page shows the new risk level; social services with the summary scope see the
summary and no factor table."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import demo
from accounts.models import Organisation, User
from cases.models import FollowUp, ProtectiveMeasure
from riskassessment.models import Assessment
from tests.e2e.conftest import current_totp, login_through_forms
from tests.factories import make_case, make_disclosure

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# Ratings typed per factor (current, earlier): index in the scale N, D, J, – .
PLAN = {
    "1": ("J", "J"),
    "2": ("J", "D"),
    "3": ("D", "N"),
    "4": ("N", "N"),
    "5": ("-", "-"),
    "12": ("J", "D"),
}
SCALE = ["N", "D", "J", "-"]


def _active(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => { const el = document.activeElement;
            return {tag: el.tagName, type: el.type || '', name: el.name || '',
                    value: el.value || '', text: (el.labels && el.labels[0]
                        ? el.labels[0].textContent : el.textContent || '').trim()}; }"""
    )


def _tab_until(page: Page, condition, limit: int = 300) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = _active(page)
        if condition(active):
            return active
    raise AssertionError(f"Tab never reached the element (last: {_active(page)})")


def _choose(page: Page, code: str) -> None:
    """Focus is on the first radio of an unanswered group: Space picks it, arrows move on."""
    page.keyboard.press("Space")
    for _ in range(SCALE.index(code)):
        page.keyboard.press("ArrowRight")


def test_police_handler_completes_sara_with_the_keyboard_and_social_sees_the_summary(
    new_page,
) -> None:
    demo.seed()
    handler = User.objects.get(email="handlaggare@polis.example")
    eva = User.objects.get(email="soc.koping@kommun.example")
    koping = Organisation.objects.get(name="Socialtjänsten Köping")
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[eva], scope_risk_summary=True, scope_risk_full=False)

    page, check = new_page()
    login_through_forms(page, handler.email, demo.DEMO_PASSWORD, current_totp(handler))
    page.goto(f"/arenden/{case.key}/")
    expect(
        page.get_by_text("Ingen slutförd hot- och riskbedömning finns i ärendet.")
    ).to_be_visible()
    check("case-without-assessment")

    # Case page → "Ny riskbedömning" → choose SARA:SV, all by keyboard.
    _tab_until(page, lambda a: a["text"] == "Ny riskbedömning")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bedomningar/ny/")
    check("choose-instrument")
    _tab_until(page, lambda a: a["type"] == "radio")
    for _ in range(10):
        if "SARA:SV" in _active(page)["text"]:
            break
        page.keyboard.press("ArrowDown")
    assert "SARA:SV" in _active(page)["text"]
    _tab_until(page, lambda a: a["text"] == "Starta bedömningen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/redigera/")
    check("empty-form")

    # The factors: two radio groups and an evidence note per row, in tab order.
    _tab_until(page, lambda a: a["type"] == "radio" and a["name"].startswith("r_"))
    for code in [str(n) for n in range(1, 16)]:
        current, earlier = PLAN.get(code, ("N", "N"))
        assert _active(page)["name"].endswith("_current"), (code, _active(page))
        _choose(page, current)
        page.keyboard.press("Tab")
        assert _active(page)["name"].endswith("_earlier"), (code, _active(page))
        _choose(page, earlier)
        page.keyboard.press("Tab")
        assert _active(page)["tag"] == "TEXTAREA"
        if code in PLAN:
            page.keyboard.type(f"Underlag för faktor {code} (test)")
        page.keyboard.press("Tab")

    # Summary judgements: Hög, Hög, and the third one forgotten on purpose.
    assert _active(page)["name"].startswith("jl_")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Recommended measure: the alarm; next reassessment in four weeks.
    _tab_until(page, lambda a: a["text"] == "Skyddslarm/larmtelefon")
    page.keyboard.press("Space")
    _tab_until(page, lambda a: a["name"] == "next_reassessment_on")
    due = timezone.localdate() + timedelta(days=28)
    page.keyboard.type(due.isoformat())
    check("filled-form")
    _tab_until(page, lambda a: a["text"] == "Slutför bedömningen")
    page.keyboard.press("Enter")

    # Blocked, with the missing judgement named next to its field; nothing typed is lost.
    message = "Ange ”Risk för allvarligt/dödligt våld” innan du slutför bedömningen."
    page.get_by_text(message).wait_for()
    assert (
        page.get_by_label("Underlag för faktor 1", exact=True).input_value()
        == "Underlag för faktor 1 (test)"
    )
    check("missing-judgement")
    assessment = Assessment.objects.get(case=case)
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.ratings.filter(rating="J").count() == 4

    # Back to the forgotten judgement by keyboard (the links in the error summary lead there).
    _tab_until(page, lambda a: a["text"] == "Risk för allvarligt/dödligt våld")
    page.keyboard.press("Enter")
    severe = assessment.instrument.summary_definitions.get(code="severe_violence")
    _tab_until(page, lambda a: a["name"] == f"jl_{severe.pk}")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # Medel
    _tab_until(page, lambda a: a["text"] == "Slutför bedömningen")
    page.keyboard.press("Space")

    # Finalising cannot be undone: a confirmation page says so first.
    page.wait_for_url(re.compile(r"/slutfor/(#.*)?$"))
    expect(page.get_by_text("Det här går inte att ångra")).to_be_visible()
    check("finalise-confirm")
    assert Assessment.objects.get(case=case).status == Assessment.Status.DRAFT
    _tab_until(page, lambda a: a["text"] == "Ja, slutför bedömningen")
    page.keyboard.press("Enter")

    # (the browser keeps the #fragment of the error link across the redirect)
    page.wait_for_url(re.compile(rf"/arenden/{case.key}/(#.*)?$"))
    panel = page.locator(".ra-panel")
    expect(page.get_by_text("Bedömningen är slutförd.")).to_be_visible()
    assert panel.locator(".ra-latest .badge--high").first.inner_text() == "Hög"
    assert panel.locator(".ra-latest .badge--medium").inner_text() == "Medel"
    check("case-with-assessment")
    assessment.refresh_from_db()
    assert assessment.is_final
    assert ProtectiveMeasure.objects.get(case=case).kind.code == "skyddslarm"
    assert FollowUp.objects.get(case=case).due_date == due
    omitted = assessment.ratings.filter(rating="-").count()
    assert omitted == 2

    page.get_by_role("link", name="Visa hela bedömningen").click()
    expect(page.get_by_text("1 faktor saknar uppgift.")).to_be_visible()
    assert page.locator(".ra-factor-table").count() == 3
    check("assessment-detail-police")

    # Social services, summary scope: the summary, no factor table.
    social_page, social_check = new_page()
    login_through_forms(social_page, eva.email, demo.DEMO_PASSWORD, current_totp(eva))
    social_page.goto(f"/arenden/{case.key}/")
    social_panel = social_page.locator(".ra-panel")
    assert social_panel.locator(".ra-latest .badge--high").first.inner_text() == "Hög"
    assert social_page.locator(".ra-factor-table").count() == 0
    assert social_page.get_by_text("Allvarligt fysiskt/sexuellt våld").count() == 0
    assert social_page.get_by_role("link", name="Visa hela bedömningen").count() == 0
    social_check("case-social-summary")
    social_page.goto(f"/arenden/{case.key}/bedomningar/{assessment.pk}/")
    assert social_page.locator(".ra-factor-table").count() == 0
    expect(social_page.get_by_text("Riskfaktorerna ingår inte")).to_be_visible()
    social_check("assessment-social-summary")


def test_comparison_and_the_form_on_smaller_screens(new_page) -> None:
    from tests.riskassessment.helpers import final_assessment, instrument

    demo.seed()
    handler = User.objects.get(email="handlaggare@polis.example")
    case = make_case(handler)
    older = final_assessment(
        handler, case, rating="N", level="low", assessed_on=timezone.localdate() - timedelta(60)
    )
    newer = final_assessment(handler, case, rating="J", level="high")
    from riskassessment import services

    draft, _ = services.start_assessment(handler, case, instrument=instrument("CHECK10"))

    page, check = new_page()
    login_through_forms(page, handler.email, demo.DEMO_PASSWORD, current_totp(handler))
    page.goto(f"/arenden/{case.key}/bedomningar/jamfor/")
    check("compare-picker")
    page.get_by_role("button", name="Jämför").click()
    page.get_by_text("30 faktorbedömningar har ändrats").wait_for()
    assert f"a={older.pk}" in page.url and f"b={newer.pk}" in page.url
    check("compare-result")
    page.goto(f"/arenden/{case.key}/bedomningar/")
    check("history")

    for width, label in ((1000, "form-medium"), (420, "form-narrow")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/arenden/{case.key}/bedomningar/{draft.pk}/redigera/")
        expect(page.get_by_role("group", name="Bedömning – 1 Våld", exact=True)).to_be_visible()
        check(label)


def test_autosave_keeps_the_draft_and_the_version_in_step(new_page) -> None:
    from riskassessment import services
    from tests.riskassessment.helpers import sara

    demo.seed()
    handler = User.objects.get(email="handlaggare@polis.example")
    case = make_case(handler)
    draft, _ = services.start_assessment(handler, case, instrument=sara())

    page, check = new_page()
    page.clock.install()
    login_through_forms(page, handler.email, demo.DEMO_PASSWORD, current_totp(handler))
    page.goto(f"/arenden/{case.key}/bedomningar/{draft.pk}/redigera/")
    page.get_by_role("group", name="Nuvarande – 1 Allvarligt fysiskt/sexuellt våld").get_by_role(
        "radio", name="Ja", exact=True
    ).click()
    page.get_by_label("Underlag för faktor 1", exact=True).fill("Sparas automatiskt (test)")
    expect(page.get_by_text("29 faktorbedömningar är inte gjorda.")).to_be_visible()
    page.clock.fast_forward(31_000)
    page.get_by_text("Utkastet sparades automatiskt kl.").wait_for()
    check("autosaved")
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.ratings.get(factor__code="1", time_frame="current").evidence == (
        "Sparas automatiskt (test)"
    )
    # The page now carries the new version: a manual save is no conflict.
    assert page.locator("#ra-form input[name=version]").input_value() == "2"
    page.get_by_role("button", name="Spara utkast").click()
    page.get_by_text("Utkastet är sparat.").wait_for()
    draft.refresh_from_db()
    assert draft.version == 3
