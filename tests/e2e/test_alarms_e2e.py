"""Browser: a police handler checks a device, lends it from a case with a risk assessment as
the basis, prints the receipt, records an alarm and takes the device back; axe on each page."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import demo
from accounts.models import Organisation, User
from alarms.models import Device, Loan
from cases.models import FollowUp
from tests.alarms.helpers import device
from tests.e2e.conftest import SCREENSHOTS, current_totp, login_through_forms
from tests.factories import make_case
from tests.riskassessment.helpers import final_assessment

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_check_lend_print_alarm_and_return(new_page, tmp_path) -> None:
    demo.seed()
    anna = User.objects.get(email="handlaggare@polis.example")
    unit = Organisation.objects.get(name="PSS Västmanland")
    case = make_case(anna, unit=unit)
    # Finalised an hour ago: the alarm recorded below (minute precision) comes after it.
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        final_assessment(anna, case)
    row = device(anna, unit, ready=False, imei="356938035643809", sim_number="46701234567")

    page, check = new_page()
    login_through_forms(page, anna.email, demo.DEMO_PASSWORD, current_totp(anna))

    # The inventory says the new device must be checked; check it.
    # The main menu's link (the start page's reminder preview links the inventory too).
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Larmutrustning"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Larmutrustning")
    check("inventory")
    page.get_by_role("link", name=row.serial).click()
    expect(page.get_by_text("Enheten kan inte lånas ut:")).to_be_visible()
    check("device-unchecked")
    page.get_by_role("link", name="Registrera beredskapskontroll").click()
    for label in (
        "Batteri och laddare",
        "SIM-kort och abonnemang",
        "Provsamtal till larmcentralen",
        "GPS-positionering",
    ):
        page.get_by_label(label).check()
    check("check-form")
    page.get_by_role("button", name="Registrera kontrollen").click()
    expect(page.get_by_text("Beredskapskontrollen är godkänd.")).to_be_visible()
    check("device-ready")

    # Lend it from the case, with the SARA:SV assessment as basis.
    page.goto(reverse("cases:detail", kwargs={"key": case.key}))
    page.get_by_role("link", name="Låna ut larm").click()
    page.locator("#id_device").select_option(label=f"Larmtelefon med GPS – {row.serial}")
    expect(page.get_by_text("Hög", exact=False).first).to_be_visible()
    page.get_by_label("SARA", exact=False).check()
    page.get_by_label("Bäraren har fått och kvitterat instruktionerna").check()
    check("lend-form")
    page.get_by_role("button", name="Låna ut").click()
    expect(page.get_by_text("Larmet är utlånat.")).to_be_visible()
    check("loan")
    loan = Loan.objects.get()
    assert not loan.without_assessment and loan.device_id == row.pk
    assert row.serial not in page.url

    # The receipt.
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("link", name="Skriv ut kvittens och instruktioner (PDF)").click(
            timeout=60_000
        )
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert row.serial in text and "Sida 1 av" in text and "SEKRETESS" in text

    # A real alarm: a follow-up "Efter larm" is planned.
    page.get_by_role("link", name="Registrera larmhändelse").click()
    page.get_by_label("Skarpt larm").check()
    page.get_by_label("Polis på plats").check()
    page.get_by_label("Anteckning").fill("Larm kl. 22, patrull på plats.")
    check("event-form")
    page.get_by_role("button", name="Registrera").click()
    expect(page.get_by_text("Larmhändelsen är registrerad.")).to_be_visible()
    check("loan-after-alarm")
    assert FollowUp.objects.filter(case=case, kind=FollowUp.Kind.AFTER_ALARM).exists()

    # The case page shows the loan and asks for a new assessment.
    page.goto(reverse("cases:detail", kwargs={"key": case.key}))
    expect(page.get_by_text("Ett skarpt larm har gått efter den senaste")).to_be_visible()
    check("case-with-loan")

    # Return it.
    page.goto(reverse("alarms:loan", kwargs={"key": case.key, "loan": loan.key}))
    page.get_by_role("link", name="Återlämna", exact=True).click()
    page.get_by_label("Enheten är återlämnad").check()
    page.get_by_label("Laddaren är återlämnad").check()
    page.get_by_label("Hel och ren").check()
    check("return-form")
    page.get_by_role("button", name="Registrera återlämnandet").click()
    expect(page.get_by_text("Enheten behöver en beredskapskontroll")).to_be_visible()
    check("case-after-return")
    row.refresh_from_db()
    assert row.needs_check and row.status == Device.Status.IN_STORE

    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) saknas"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = SCREENSHOTS / "test_alarms_e2e-receipt-page1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", target, prefix],
        check=True,
    )


def test_a_big_units_inventory_and_lending_form_in_pages(new_page) -> None:
    """60 devices not yet checked: the inventory lists 50 and pages on with the filter kept;
    the lending form explains the first 20 and links the inventory for the rest."""
    from alarms.loan_views import UNREADY_SHOWN
    from alarms.views import INVENTORY_PAGE_SIZE

    demo.seed()
    anna = User.objects.get(email="handlaggare@polis.example")
    unit = Organisation.objects.get(name="PSS Västmanland")
    case = make_case(anna, unit=unit)
    for _ in range(60):
        device(anna, unit, ready=False)
    # With the demo's own devices of the unit, whatever their state: counted as the pages do.
    from alarms import services

    in_use = services.with_readiness(Device.objects.filter(unit=unit))
    overdue = in_use.exclude(status__in=services.GONE).filter(overdue=True).count()
    unready = in_use.exclude(status="retired").filter(lendable=False).count()
    page, check = new_page()
    login_through_forms(page, anna.email, demo.DEMO_PASSWORD, current_totp(anna))
    page.goto(reverse("alarms:inventory") + "?problem=overdue")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(INVENTORY_PAGE_SIZE)
    check("inventory-first-page")
    page.get_by_role("navigation", name="Sidor").get_by_role("link", name="Nästa").click()
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
    assert "problem=overdue" in page.url
    expect(rows).to_have_count(overdue - INVENTORY_PAGE_SIZE)
    check("inventory-second-page")
    page.goto(reverse("alarms:loan_new", kwargs={"key": case.key}))
    page.get_by_text(f"{unready} enheter kan inte lånas ut just nu").click()  # opens the list
    expect(page.locator("details li")).to_have_count(UNREADY_SHOWN)
    expect(page.get_by_text(f"Visar de {UNREADY_SHOWN} första.")).to_be_visible()
    check("lend-form-many-unready")
    in_store = "Alla enheter i förrådet och varför finns under Larmutrustning"
    page.get_by_role("link", name=in_store).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Larmutrustning")
    assert "status=in_store" in page.url
