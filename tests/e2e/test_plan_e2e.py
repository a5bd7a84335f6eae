"""Browser: the police handler and the social-services handler agree a joint protection plan
through the pages, each downloads the PDF, and page 1 of it shows the header and section 1."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts import demo
from accounts.models import Organisation, User
from cases.models import FollowUp, MeasureKind, Party, Person, ProtectiveMeasure
from tests.e2e.conftest import SCREENSHOTS, current_totp, login_through_forms
from tests.factories import PersonFactory, make_case, make_disclosure

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _login(new_page, email: str) -> tuple[Page, object]:
    page, check = new_page()
    user = User.objects.get(email=email)
    login_through_forms(page, email, demo.DEMO_PASSWORD, current_totp(user))
    return page, check


def _download(page: Page, tmp_path, who: str, check=None) -> bytes:
    # The link leads to "PDF:en skapas…", whose script starts the download at once. The first
    # PDF in the server process also imports WeasyPrint: allow for it.
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("link", name="Ladda ner PDF (version 1)").click(timeout=60_000)
    download = info.value
    expect(page.get_by_role("heading", name="PDF:en skapas…")).to_be_visible()
    if check is not None:
        check("pdf-wait")
    page.get_by_role("link", name="Tillbaka till skyddsplanen").click()
    target = tmp_path / f"{who}-{download.suggested_filename}"
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def test_police_and_social_services_agree_a_plan_and_print_it(new_page, tmp_path) -> None:
    demo.seed()
    anna = User.objects.get(email="handlaggare@polis.example")
    eva = User.objects.get(email="soc.koping@kommun.example")
    unit = Organisation.objects.get(name="PSS Västmanland")
    koping = Organisation.objects.get(name="Socialtjänsten Köping")
    protected = PersonFactory(
        first_name="Kim",
        last_name="Exempelsson (demo)",
        personnummer="19850312-2398",
        protection=Person.Protection.SEKRETESSMARKERING,
    )
    case = make_case(
        anna, unit=unit, protected=protected, protected_contact={"street_address": "Exempelgatan 1"}
    )
    make_disclosure(case, koping, handlers=[eva])  # the plan is in scope by default
    # Transactional tests start without the migrations' catalogue rows.
    alarm, _ = MeasureKind.objects.get_or_create(
        code="skyddslarm",
        defaults={
            "name": "Skyddslarm/larmtelefon",
            "category": "defensive",
            "default_party": "police",
        },
    )
    ProtectiveMeasure.objects.create(
        case=case,
        kind=alarm,
        responsible_party=Party.POLICE,
        status=ProtectiveMeasure.Status.ACTIVE,
        start_date=date.today(),
    )
    FollowUp.objects.create(
        case=case, kind=FollowUp.Kind.CONVERSATION, due_date=date.today() + timedelta(days=14)
    )
    case_url = reverse("cases:detail", kwargs={"key": case.key})
    plan_url = reverse("cases:plan", kwargs={"key": case.key})

    # Police: start the plan from the case page and write the police commitments.
    police, police_check = _login(new_page, anna.email)
    police.goto(case_url)
    police_check("case-page")
    police.get_by_role("button", name="Upprätta skyddsplan").click()
    expect(police.get_by_role("heading", level=1)).to_contain_text("Ändra skyddsplan")
    police_check("edit-police")
    police.get_by_label("Polismyndigheten åtar sig att").fill(
        "Låna ut larmpaket och följa upp kontaktförbudet varje vecka."
    )
    police.get_by_role("button", name="Spara ändringarna").click()
    expect(police.get_by_text("Ändringarna är sparade.")).to_be_visible()
    police_check("plan-draft-police")

    # Social services opens the edit form; the police changes a text meanwhile.
    social, social_check = _login(new_page, eva.email)
    social.goto(case_url)
    social_check("case-page-social")
    social.get_by_role("link", name="Öppna skyddsplanen").click()
    expect(social.get_by_role("heading", level=1)).to_contain_text("Gemensam skyddsplan")
    social_check("plan-draft-social")
    social.get_by_role("link", name="Ändra utkastet").click()
    social_check("edit-social")
    police.get_by_role("link", name="Ändra utkastet").click()
    police.get_by_label("5 Uppföljning av ärendet").fill("Uppföljningsmöte varannan vecka.")
    police.get_by_role("button", name="Spara ändringarna").click()

    own_text = "Ordna tillfälligt skyddat boende och stöd för barnen."
    social.get_by_label("Socialtjänsten åtar sig att").fill(own_text)
    social.get_by_role("button", name="Spara ändringarna").click()
    expect(social.get_by_text("Någon annan har sparat ändringar i planen")).to_be_visible()
    expect(social.get_by_label("Socialtjänsten åtar sig att")).to_have_value(own_text)
    social_check("edit-conflict")
    # Only the police changed the follow-up text: the form took it in, so saving again
    # loses nothing.
    expect(social.get_by_label("5 Uppföljning av ärendet")).to_have_value(
        "Uppföljningsmöte varannan vecka."
    )
    social.get_by_role("button", name="Spara ändringarna").click()
    expect(social.get_by_text("Ändringarna är sparade.")).to_be_visible()
    social.get_by_role("link", name="Bekräfta för socialtjänsten").click()
    expect(social.get_by_text("Det här går inte att ångra")).to_be_visible()
    social_check("confirm-page-social")
    social.get_by_role("button", name="Ja, bekräfta för socialtjänsten").click()
    expect(social.get_by_text("Din bekräftelse är registrerad.")).to_be_visible()
    social_check("confirmed-social")

    # Police confirms the same text: agreed.
    police.goto(plan_url)
    expect(police.get_by_text("Socialtjänsten: bekräftad av Eva Ek (demo)")).to_be_visible()
    police.get_by_role("link", name="Bekräfta för polisen").click()
    police.get_by_role("button", name="Ja, bekräfta för polisen").click()
    expect(police.get_by_text("Version 1 är överenskommen av båda parter.")).to_be_visible()
    police_check("agreed-police")
    police_name, police_pdf = _download(police, tmp_path, "police", police_check)
    police.get_by_role("link", name="Utskriftsvy").click()
    expect(police.get_by_text("SEKRETESS enligt OSL")).to_be_visible()
    police_check("print-view")

    social.goto(plan_url)
    expect(social.get_by_text("Överenskommen av polisen och socialtjänsten")).to_be_visible()
    social_check("agreed-social")
    social_name, social_pdf = _download(social, tmp_path, "social")

    expected_name = f"skyddsplan-{case.reference}-v1.pdf"
    assert police_name == social_name == expected_name
    for pdf in (police_pdf, social_pdf):
        reader = PdfReader(io.BytesIO(pdf))
        assert reader.metadata["/Title"] == f"Gemensam skyddsplan {case.reference} v1"
        first = " ".join(reader.pages[0].extract_text().split())
        for text in (
            "SEKRETESS enligt OSL",
            f"{case.reference} · version 1",
            "Sida 1 av",
            "1 Inledning",
            "1.1 Berörda personer",
            "Kim Exempelsson (demo)",
        ):
            assert text in first, text
        everything = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        assert own_text in everything and "Låna ut larmpaket" in everything
        assert "UTKAST" not in everything

    # Page 1 as an image, to be looked at.
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) saknas"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf_path = tmp_path / "social.pdf"
    pdf_path.write_bytes(social_pdf)
    prefix = SCREENSHOTS / "test_plan_e2e-pdf-page1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf_path, prefix],
        check=True,
    )
    assert prefix.with_suffix(".png").stat().st_size > 10_000
