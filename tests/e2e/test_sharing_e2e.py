"""Browser: a police handler opens a case through the intake form and discloses it to
Socialtjänsten Köping, the Köping head assigns a handler, she sees the limited view, the
police withdraw, and she gets 404. Then a unit colleague breaks the glass and the head reads
the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import demo
from accounts.models import User
from cases.models import Disclosure, ProtectionCase
from tests.e2e.conftest import current_totp, login_through_forms
from tests.factories import PersonFactory, make_case

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREAT_PICTURE = "Före detta partner har hotat med kniv (demo)"


def _login(page: Page, email: str) -> None:
    login_through_forms(
        page, email, demo.DEMO_PASSWORD, current_totp(User.objects.get(email=email))
    )


def _case():
    anna = User.objects.get(email="handlaggare@polis.example")
    person = PersonFactory(first_name="Lena", last_name="Lindqvist (demo)")
    return make_case(anna, threat_picture=THREAT_PICTURE, protected=person)


def _open_case_through_intake(police: Page) -> ProtectionCase:
    """The police handler opens the case with a protected person and a threat actor."""
    police.goto("/arenden/nytt/")
    police.get_by_label("Kategori").select_option(label="Våld i nära relation")
    police.get_by_label("Hotbild").fill(THREAT_PICTURE)
    police.locator("#id_skyddsperson-first_name").fill("Lena")
    police.locator("#id_skyddsperson-last_name").fill("Lindqvist (demo)")
    police.locator("#id_skyddsperson-city").fill("Köping")
    police.locator("#id_hotutovare-first_name").fill("Tore")
    police.locator("#id_hotutovare-last_name").fill("Hotare (demo)")
    police.get_by_role("button", name="Skapa ärendet").click()
    police.wait_for_url("**/arenden/*-*/")
    case = ProtectionCase.objects.get()
    assert set(case.participants.values_list("role", flat=True)) == {"protected", "threat_actor"}
    return case


def test_disclose_assign_read_withdraw(new_page) -> None:
    """Issue 3's browser flow end to end: intake, disclosure, the recipient's head assigns,
    the social-services handler reads the limited view, withdrawal ends it."""
    demo.seed()
    today = timezone.localdate()

    # The police handler opens the case and discloses it to Köping.
    police, check_police = new_page()
    _login(police, "handlaggare@polis.example")
    case = _open_case_through_intake(police)
    detail = f"/arenden/{case.key}/"
    check_police("case-before")
    police.get_by_role("link", name="Nytt utlämnande").click()
    expect(police.get_by_role("heading", level=1)).to_have_text(
        "Nytt utlämnande till socialtjänsten"
    )
    check_police("disclosure-form")
    police.get_by_label("Mottagande socialtjänst").select_option(label="Socialtjänsten Köping")
    police.get_by_label("Samtycke", exact=True).check()
    police.get_by_label("Sammanfattning av riskbedömning").uncheck()
    police.get_by_label("Samtycke lämnat av").fill("Skyddspersonen")
    police.get_by_label("Skriftligt").check()
    police.get_by_label("Datum för samtycket").fill(today.isoformat())
    police.get_by_label("Gäller till och med").fill((today - timedelta(days=1)).isoformat())
    police.get_by_role("button", name="Registrera utlämnandet").click()
    expect(police.get_by_text("Slutdatumet kan inte vara före startdatumet.")).to_be_visible()
    expect(police.get_by_label("Samtycke lämnat av")).to_have_value("Skyddspersonen")
    check_police("disclosure-form-error")
    police.get_by_label("Gäller till och med").fill((today + timedelta(days=90)).isoformat())
    police.get_by_role("button", name="Registrera utlämnandet").click()
    police.wait_for_url(f"**{detail}")
    expect(
        police.get_by_text("Utlämnandet till Socialtjänsten Köping är registrerat.")
    ).to_be_visible()
    expect(police.get_by_role("cell", name="Aktivt")).to_be_visible()
    check_police("case-disclosed")
    disclosure = Disclosure.objects.get(case=case)
    assert disclosure.scope() == {"scope_persons", "scope_measures", "scope_plan"}

    # The Köping head assigns Eva.
    head, check_head = new_page()
    _login(head, "chef.koping@kommun.example")
    head.get_by_role("link", name="Delade med oss").click()
    expect(head.get_by_role("heading", level=1)).to_have_text("Ärenden delade med oss")
    expect(head.get_by_text("Ingen tilldelad")).to_be_visible()
    assert "Lindqvist" not in head.content()
    check_head("shared-head")
    head.get_by_role("link", name=f"Tilldela handläggare för {case.reference}").click()
    check_head("assign-handlers")
    head.get_by_label("Eva Ek (demo)").check()
    head.get_by_role("button", name="Spara tilldelningen").click()
    head.wait_for_url("**/delade-arenden/")
    expect(head.get_by_role("cell", name="Eva Ek (demo)")).to_be_visible()
    check_head("shared-head-assigned")

    # Eva sees the case, limited to the disclosed scope.
    eva, check_eva = new_page()
    _login(eva, "soc.koping@kommun.example")
    eva.get_by_role("link", name="Delade med oss").click()
    check_eva("shared-handler")
    eva.get_by_role("link", name=case.reference).click()
    eva.wait_for_url(f"**{detail}")
    expect(eva.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(eva.get_by_text("Du ser ärendet eftersom polisen har lämnat ut det")).to_be_visible()
    html = eva.content()
    assert THREAT_PICTURE not in html
    assert "Ärendet öppnades." not in html  # police-internal journal
    assert "Nytt utlämnande" not in html and "Vem har sett ärendet" not in html
    check_eva("case-social")

    # The police handler withdraws.
    police.goto(detail)
    police.get_by_role("link", name="Återkalla utlämnandet till Socialtjänsten Köping").click()
    check_police("withdraw-form")
    police.get_by_role("button", name="Återkalla utlämnandet").click()
    expect(police.get_by_text("Ange skälet till att utlämnandet återkallas.")).to_be_visible()
    police.get_by_label("Skäl för återkallelsen").fill("Samtycket återkallat muntligt")
    police.get_by_role("button", name="Återkalla utlämnandet").click()
    police.wait_for_url(f"**{detail}")
    expect(police.get_by_role("cell", name="Återkallat")).to_be_visible()
    check_police("case-withdrawn")

    # Eva's next request: the case is gone.
    eva.reload()
    expect(eva.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    check_eva("case-gone", expected_status=404)
    eva.goto("/delade-arenden/")
    expect(eva.get_by_text("Inga ärenden är delade med dig just nu.")).to_be_visible()
    check_eva("shared-empty")


def test_break_the_glass_and_the_heads_access_log(new_page) -> None:
    demo.seed()
    case = _case()
    detail = f"/arenden/{case.key}/"

    colleague, check_colleague = new_page()
    _login(colleague, "kollega@polis.example")
    colleague.goto(detail)
    expect(colleague.get_by_role("heading", level=1)).to_contain_text("är inte tilldelat dig")
    assert THREAT_PICTURE not in colleague.content()
    check_colleague("break-glass-form")
    colleague.get_by_role("button", name="Öppna ärendet med nödåtkomst").click()
    expect(colleague.get_by_text("Ange varför du behöver öppna ärendet.")).to_be_visible()
    check_colleague("break-glass-error")
    colleague.get_by_label("Skäl för att öppna ärendet").fill(
        "Skyddspersonen ringde, ansvarig handläggare är ledig"
    )
    colleague.get_by_role("button", name="Öppna ärendet med nödåtkomst").click()
    colleague.wait_for_url(f"**{detail}")
    expect(colleague.get_by_text("Nödåtkomsten gäller till")).to_be_visible()
    check_colleague("case-break-glass")

    head, check_head = new_page()
    _login(head, "chef@polis.example")
    head.get_by_role("link", name="Åtkomstlogg").click()
    check_head("access-report-empty")
    head.get_by_label("Person").select_option(label="Bengt Berg (demo)")
    head.get_by_label("Kanal").select_option(label="Ärendesida")
    head.get_by_role("button", name="Visa").click()
    expect(head.get_by_role("cell", name=case.reference).first).to_be_visible()
    summary = head.get_by_role("table", name="Sammanfattning per person")
    expect(summary.get_by_role("row").filter(has_text="Bengt Berg (demo)")).to_be_visible()
    check_head("access-report")
    head.get_by_role("link", name="Nödåtkomster").click()
    expect(head.get_by_text("Skyddspersonen ringde, ansvarig handläggare är ledig")).to_be_visible()
    expect(head.get_by_text("1 öppning väntar på granskning.")).to_be_visible()
    check_head("break-glass-list")
    # The head reviews the opening, with a comment that is kept.
    head.get_by_role("link", name=f"Granska öppningen av {case.reference}").click()
    head.get_by_label("Kommentar till granskningen").fill("Stämmer med jourrapporten.")
    check_head("break-glass-review")
    head.get_by_role("button", name="Markera som granskad").click()
    expect(head.get_by_text("Stämmer med jourrapporten.")).to_be_visible()
    check_head("break-glass-reviewed")
    head.get_by_role("link", name=case.reference).click()
    expect(head.get_by_role("heading", level=1)).to_have_text(f"Vem har sett {case.reference}")
    expect(head.get_by_role("cell", name="Bengt Berg (demo)").first).to_be_visible()
    check_head("case-access-log")
