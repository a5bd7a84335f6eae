"""Browser: the coordinator's day (issue 15) – what matters stays in view on the case page at
1366×768, drafts survive a reload, an irreversible step asks on a page first, social services
find their shared cases on the start page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts import demo
from accounts.models import User
from cases.models import Person
from tests.alarms.helpers import device, lend
from tests.e2e.conftest import current_totp, login_through_forms
from tests.factories import PersonFactory, make_case
from tests.riskassessment.helpers import final_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LAPTOP = {"width": 1366, "height": 768}


def _login(page: Page, email: str) -> User:
    user = User.objects.get(email=email)
    login_through_forms(page, email, demo.DEMO_PASSWORD, current_totp(user))
    return user


def _in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"]


def test_case_header_with_risk_and_protection_stays_in_view(new_page) -> None:
    demo.seed()
    anna = User.objects.get(email="handlaggare@polis.example")
    person = PersonFactory(protection=Person.Protection.SKYDDAD_FOLKBOKFORING)
    case = make_case(anna, protected=person)
    final_assessment(anna, case, level="high")
    lend(anna, case, device(anna))

    page, check = new_page()
    page.set_viewport_size(LAPTOP)
    _login(page, anna.email)
    page.goto("/arenden/")
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("Hög")
    expect(row).to_contain_text("Skyddad folkbokföring")
    expect(row).to_contain_text("Larm utlånat")
    check("case-list")

    page.get_by_role("link", name=case.reference).click()
    header = page.locator("#case-header")
    expect(header).to_contain_text("Hög")
    expect(header).to_contain_text("Skyddad folkbokföring")
    assert _in_viewport(page, "#case-header"), "the case header is not visible without scrolling"
    check("case-page-top")

    # Jump to the journal through the section navigation: the header is still in view.
    page.get_by_role("navigation", name="Avsnitt i ärendet").get_by_role(
        "link", name="Journal"
    ).click()
    expect(page).to_have_url(f"{page.url.split('#')[0].rstrip('/')}/#journal-heading")
    assert page.evaluate("window.scrollY") > 200
    assert _in_viewport(page, "#case-header"), "the sticky header scrolled away"
    assert _in_viewport(page, "#journal-heading")
    page.screenshot(path="test-artifacts/screenshots/coordinator-case-page-journal.png")


def test_a_rating_survives_a_reload_seconds_later(new_page) -> None:
    from riskassessment import services as ra_services
    from tests.riskassessment.helpers import sara

    demo.seed()
    anna = User.objects.get(email="handlaggare@polis.example")
    case = make_case(anna)
    assessment, _ = ra_services.start_assessment(anna, case, instrument=sara())
    first = ra_services.load_structure(sara()).factors[0]

    page, check = new_page()
    page.set_viewport_size(LAPTOP)
    _login(page, anna.email)
    page.goto(f"/arenden/{case.key}/bedomningar/{assessment.pk}/redigera/")
    page.locator(f"label:has(input[name='r_{first.pk}_current'][value='J'])").click()
    # Saved within moments of the change (it used to wait 30 s), then reloaded.
    expect(page.locator("#ra-autosave-status")).to_contain_text(
        "Utkastet sparades automatiskt", timeout=3000
    )
    check("rated-and-saved")
    page.reload()
    expect(page.locator(f"input[name='r_{first.pk}_current'][value='J']")).to_be_checked()
    assessment.refresh_from_db()
    assert assessment.ratings.get(factor=first, time_frame="current").rating == "J"


def test_a_link_to_a_case_not_shared_with_sala_gives_the_swedish_404(new_page) -> None:
    """The browser tests run the app as `make run` does, with DEBUG off: the app's own
    404 page, never Django's debug page with its list of URL patterns."""
    from django.conf import settings

    assert not settings.DEBUG
    demo.seed()
    anna = User.objects.get(email="handlaggare@polis.example")
    case = make_case(anna)  # shared with nobody
    page, check = new_page()
    _login(page, "soc.sala@kommun.example")
    response = page.goto(f"/arenden/{case.key}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    body = page.content()
    assert "Page not found" not in body and "URLconf" not in body and case.reference not in body
    check("not-shared-404", expected_status=404)


def test_a_social_services_handler_sees_her_shared_cases_on_the_start_page(new_page) -> None:
    from accounts.models import Organisation
    from tests.factories import make_disclosure

    demo.seed()
    anna = User.objects.get(email="handlaggare@polis.example")
    eva = User.objects.get(email="soc.koping@kommun.example")
    koping = Organisation.objects.get(name="Socialtjänsten Köping")
    cases = [make_case(anna) for _ in range(3)]
    for case in cases:
        make_disclosure(case, koping, handlers=[eva])
    final_assessment(anna, cases[0], level="medium")

    page, check = new_page()
    page.set_viewport_size(LAPTOP)
    _login(page, eva.email)
    shared = page.get_by_role("region", name="Ärenden delade med dig")
    for case in cases:
        expect(shared.get_by_role("link", name=case.reference)).to_be_visible()
    expect(shared.get_by_role("row").filter(has_text=cases[0].reference)).to_contain_text("Medel")
    check("social-start-page")
    # She writes a note in the shared journal of the first case.
    shared.get_by_role("link", name=cases[0].reference).click()
    page.get_by_role("link", name="Skriv en anteckning i den delade journalen").click()
    page.get_by_label("Anteckning").fill("Hembesök gjort, familjen mår bra.")
    check("social-note-form")
    page.get_by_role("button", name="Spara anteckningen").click()
    expect(page.get_by_text("Hembesök gjort, familjen mår bra.")).to_be_visible()
    check("social-note-saved")
