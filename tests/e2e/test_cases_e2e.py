"""Browser flow of issue 3 part A: a police handler opens a case with a protected person and
a threat actor (after a bad personnummer), edits it and searches for the person; a
social-services handler sees the limited view of a disclosed demo case."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from stdnum import luhn

from accounts import demo as accounts_demo
from accounts.models import User
from cases import demo as cases_demo
from cases.models import Participant, ProtectionCase
from tests.e2e.conftest import current_totp, login_through_forms

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fictional_personnummer(born: date, serial: str = "982") -> str:
    check = luhn.calc_check_digit(born.strftime("%y%m%d") + serial)
    return f"{born:%Y%m%d}-{serial}{check}"


def login(page, email: str) -> None:
    user = User.objects.get(email=email)
    login_through_forms(page, email, accounts_demo.DEMO_PASSWORD, current_totp(user))


def test_handler_opens_a_case_with_protected_person_and_threat_actor(new_page) -> None:
    accounts_demo.seed()
    page, check = new_page()
    login(page, "handlaggare@polis.example")
    check("overview")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden").click()
    page.wait_for_url("**/arenden/")
    check("case-list-empty")
    page.get_by_role("link", name="Nytt skyddsärende").click()
    page.wait_for_url("**/arenden/nytt/")
    check("intake")

    page.get_by_label("Kategori").select_option(label="Hedersrelaterat våld och förtryck")
    page.get_by_label("Hotbild").fill("Bröder har hotat skyddspersonen efter flytten (test).")
    page.get_by_label("Bengt Berg (demo)").check()
    page.locator("#id_skyddsperson-first_name").fill("Lina")
    page.locator("#id_skyddsperson-last_name").fill("Testdotter")
    page.locator("#id_skyddsperson-personnummer").fill("19950412-1230")  # wrong check digit
    page.locator("#id_skyddsperson-phone").fill("070-123 45 67")
    page.locator("#id_skyddsperson-street_address").fill("Provgatan 3")
    page.locator("#id_skyddsperson-postal_code").fill("731 30")
    page.locator("#id_skyddsperson-city").fill("Köping")
    page.locator("#id_skyddsperson-protection").select_option("skyddad_folkbokforing")
    page.locator("#id_hotutovare-first_name").fill("Karim")
    page.locator("#id_hotutovare-last_name").fill("Hotsson")
    page.locator("#id_hotutovare-date_of_birth").fill("1988-02-29")
    page.get_by_label("Relation till skyddspersonen").select_option("family")
    page.get_by_label("Anteckning om deltagaren").fill("Bror till skyddspersonen")
    page.get_by_role("button", name="Skapa ärendet").click()

    expect(page.get_by_text("Kontrollsiffran stämmer inte")).to_be_visible()
    assert page.locator("#id_skyddsperson-street_address").input_value() == "Provgatan 3"
    assert page.locator("#id_hotutovare-last_name").input_value() == "Hotsson"
    assert page.get_by_label("Relation till skyddspersonen").input_value() == "family"
    assert "Bröder har hotat" in page.get_by_label("Hotbild").input_value()
    assert page.get_by_label("Bengt Berg (demo)").is_checked()
    assert not ProtectionCase.objects.exists()
    check("intake-bad-personnummer")

    number = fictional_personnummer(date(1995, 4, 12))
    page.locator("#id_skyddsperson-personnummer").fill(number)
    page.get_by_role("button", name="Skapa ärendet").click()
    page.wait_for_url("**/arenden/*-*/")
    case = ProtectionCase.objects.get()
    expect(page.get_by_text(f"diarienummer {case.reference}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Skyddsärende {case.reference}")).to_be_visible()
    expect(page.get_by_role("heading", name="Lina Testdotter – Skyddsperson")).to_be_visible()
    expect(page.get_by_role("heading", name="Karim Hotsson – Hotutövare")).to_be_visible()
    expect(page.get_by_text("Familj eller släkt", exact=True)).to_be_visible()
    expect(page.get_by_text("Bror till skyddspersonen", exact=True)).to_be_visible()
    expect(page.get_by_text("Skyddad folkbokföring –")).to_be_visible()
    check("case-page")
    assert number not in page.url and "Testdotter" not in page.url

    # Edit the threat picture.
    page.get_by_role("link", name="Ändra ärendet").click()
    page.get_by_label("Hotbild").fill("Hotbilden har skärpts (test).")
    check("case-edit")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/arenden/{case.key}/")
    expect(page.get_by_text("Hotbilden har skärpts (test).")).to_be_visible()

    # A journal note shared with social services.
    page.get_by_role("link", name="Ny journalanteckning").click()
    page.get_by_label("Delad med socialtjänsten").check()
    page.get_by_label("Anteckning").fill("Skyddspersonen informerad om kvinnojouren.")
    check("journal-form")
    page.get_by_role("button", name="Spara anteckningen").click()
    expect(page.get_by_text("Skyddspersonen informerad om kvinnojouren.")).to_be_visible()

    # Change the protected person's address (this case's): the case journal names the
    # field, not the value; the person's history (read from every case of the person)
    # names only the person's own fields, so the history page lists the registration only.
    page.get_by_role("link", name="Ändra uppgifter Lina Testdotter").click()
    check("person-edit")
    page.get_by_label("Gatuadress").fill("Nyvägen 8")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/arenden/{case.key}/")
    saved = page.get_by_text("Personuppgifter sparade. Ändrade skyddade uppgifter: adress")
    expect(saved).to_be_visible()
    page.get_by_role("link", name="Historik").click()
    expect(page.get_by_text("Person registrerad").first).to_be_visible()
    assert "Nyvägen 8" not in page.content()
    check("history")

    # Search by personnummer (POST): the case is found, the number never in the URL.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden").click()
    assert "Lina" not in page.content()  # the list shows no names
    check("case-list")
    page.get_by_label("Personnummer eller samordningsnummer").fill(number[2:])
    page.get_by_role("button", name="Sök på personnummer").click()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    assert number not in page.url
    check("search-hit")

    page.get_by_role("link", name="Översikt").first.click()
    # "Mina ärenden" (the reminders section may name the same case: no follow-up yet).
    mine = page.get_by_role("table", name="Öppna ärenden där du är ansvarig handläggare")
    expect(mine.get_by_role("link", name=case.reference)).to_be_visible()
    check("overview-my-cases")
    protected = case.participants.get(role=Participant.Role.PROTECTED)
    assert protected.street_address == "Nyvägen 8"


def test_social_services_handler_sees_the_limited_view(new_page) -> None:
    cases_demo.seed()
    page, check = new_page()
    login(page, "soc.koping@kommun.example")
    page.goto("/arenden/")
    check("social-list")
    rows = page.locator("table.case-table tbody tr")
    assert rows.count() == 2
    disclosed = (
        ProtectionCase.objects.filter(disclosures__scope_persons=True)
        .filter(
            disclosures__recipient__name="Socialtjänsten Köping", disclosures__withdrawn_at=None
        )
        .get()
    )
    page.get_by_role("link", name=disclosed.reference).click()
    expect(page.get_by_text("Begränsad vy för Socialtjänsten Köping")).to_be_visible()
    expect(page.get_by_text("Skyddad adress – lämnas inte ut.")).to_be_visible()
    assert disclosed.threat_picture[:30] not in page.content()
    assert "Polisintern" not in page.content()
    check("social-limited-view")
