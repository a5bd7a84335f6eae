"""Browser: a handler works a case from the case page to closing it.

Logs in through the real forms as the demo handler; the case comes from tests.factories
(make_case) because intake is built in parallel. Every page visited is checked with axe.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import demo
from accounts.models import User
from cases.models import ContactBan, FollowUp, ProtectionCase, ProtectiveMeasure
from tests.e2e.conftest import current_totp, login_through_forms
from tests.factories import make_case

# Reference data (instruments, catalogues) is restored from the database as migrated at
# the start of each test (Django's serialized rollback), not by running migration code.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_handler_adds_measure_ban_and_follow_up_completes_it_and_closes_the_case(new_page) -> None:
    demo.seed()
    user = User.objects.get(email="handlaggare@polis.example")
    case = make_case(user)
    today = timezone.localdate()
    page, check = new_page()
    login_through_forms(page, user.email, demo.DEMO_PASSWORD, current_totp(user))

    page.goto(f"/arenden/{case.key}/")
    expect(page.get_by_text("Ärendet saknar nästa uppföljning")).to_be_visible()
    check("case-without-follow-up")

    # A protective measure from the catalogue.
    page.get_by_role("link", name="Ny skyddsåtgärd").click()
    expect(page.get_by_role("heading", name="Ny skyddsåtgärd", level=1)).to_be_visible()
    check("measure-form")
    page.get_by_label(re.compile(r"^Åtgärd")).select_option(label="Skyddslarm/larmtelefon")
    page.get_by_label("Status").select_option(label="Pågående")
    page.get_by_label("Startdatum").fill(today.isoformat())
    page.get_by_label("Anteckning").fill("Larmtelefon utlämnad vid besök")
    page.get_by_role("button", name="Spara åtgärden").click()
    expect(page.get_by_text("Skyddsåtgärden är sparad.")).to_be_visible()
    assert ProtectiveMeasure.objects.get(case=case).status == "active"

    # A kontaktförbud: first with the dates the wrong way round, then right.
    page.get_by_role("link", name="Nytt kontaktförbud").click()
    page.get_by_label("Typ av kontaktförbud").select_option(label="Utvidgat kontaktförbud")
    page.get_by_label("Status").select_option(label="Beviljat")
    page.get_by_label("Beslutande myndighet").fill("Åklagarkammaren i Västerås")
    page.get_by_label("Gäller från").fill((today + timedelta(days=10)).isoformat())
    page.get_by_label("Gäller till").fill(today.isoformat())
    page.get_by_role("button", name="Spara kontaktförbudet").click()
    expect(page.get_by_text("kan inte vara före startdatumet")).to_be_visible()
    expect(page.get_by_label("Beslutande myndighet")).to_have_value("Åklagarkammaren i Västerås")
    check("contact-ban-error")
    page.get_by_label("Gäller från").fill(today.isoformat())
    page.get_by_label("Gäller till").fill((today + timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Spara kontaktförbudet").click()
    expect(page.get_by_text("Kontaktförbudet är registrerat.")).to_be_visible()
    assert ContactBan.objects.get(case=case).ban_type == "extended"

    # Information about support, the municipality's organisations offered first.
    page.get_by_role("link", name="Registrera information om stöd").click()
    check("support-information-form")
    page.get_by_label("Kvinnofridslinjen").check()
    page.get_by_role("button", name="Spara").click()
    # Nobody ticked: the error stands next to the persons, the organisation stays ticked.
    expect(page.get_by_text("Välj minst en person som fick informationen.")).to_be_visible()
    expect(page.get_by_label("Kvinnofridslinjen")).to_be_checked()
    check("support-information-error")
    page.get_by_label(re.compile(r"^Skyddsperson: ")).check()
    page.get_by_role("radio", name="Ja").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Informationen är registrerad.")).to_be_visible()

    # A follow-up, due today.
    page.get_by_role("link", name="Ny uppföljning").click()
    check("follow-up-form")
    page.get_by_label("Typ av uppföljning").select_option(label="Uppföljningssamtal")
    page.get_by_label("Senast").fill(today.isoformat())
    page.get_by_role("button", name="Spara uppföljningen").click()
    expect(page.get_by_text("Uppföljningen är planerad.")).to_be_visible()
    expect(page.locator(".next-follow-up")).to_contain_text("I dag")
    check("case-with-work")

    page.goto("/att-gora/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    check("todo")

    # Closing is refused while the follow-up is open.
    page.goto(f"/arenden/{case.key}/")
    page.get_by_role("link", name="Avsluta ärendet").click()
    expect(page.get_by_text("Ärendet kan inte avslutas förrän detta är åtgärdat")).to_be_visible()
    check("close-blocked")

    # Complete the follow-up from the case page.
    page.get_by_role("link", name="Tillbaka till ärende").click()
    page.get_by_role("link", name="Utför uppföljningen").click()
    check("complete-follow-up-form")
    page.get_by_label("Resultat").fill("Samtal genomfört, inga nya hot.")
    page.get_by_role("button", name="Markera som utförd").click()
    expect(page.get_by_text("Uppföljningen är markerad som utförd.")).to_be_visible()
    assert FollowUp.objects.get(case=case).done_on == today

    page.goto(f"/arenden/{case.key}/arendearbete/")
    expect(page.get_by_text("Samtal genomfört, inga nya hot.")).to_be_visible()
    check("casework-page")

    # Now the case can be closed.
    page.goto(f"/arenden/{case.key}/")
    page.get_by_role("link", name="Avsluta ärendet").click()
    page.get_by_label(re.compile(r"^Skäl")).select_option(
        label="Hotet bedöms inte längre föreligga"
    )
    page.get_by_label("Slutanteckning").fill("Hotet har upphört. Skyddspersonen är informerad.")
    check("close-form")
    page.get_by_role("button", name="Avsluta ärendet").click()
    # Closing cannot be undone: a confirmation page asks first, and nothing is closed yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Avsluta ärende {case.reference}?")
    expect(page.get_by_text("Det här går inte att ångra")).to_be_visible()
    check("close-confirm")
    case.refresh_from_db()
    assert case.status == ProtectionCase.Status.OPEN
    page.get_by_role("button", name="Ja, avsluta ärendet").click()
    expect(page.get_by_text("Ärendet är avslutat.")).to_be_visible()
    expect(page.get_by_role("link", name="Ny skyddsåtgärd")).to_have_count(0)
    check("closed-case")
    case.refresh_from_db()
    assert case.status == ProtectionCase.Status.CLOSED


def test_handler_pages_through_a_long_journal_by_keyboard(new_page) -> None:
    """60 notes: the case page lists the newest 50, "Äldre anteckningar" the rest."""
    from cases.models import JournalEntry

    demo.seed()
    user = User.objects.get(email="handlaggare@polis.example")
    case = make_case(user)
    today = timezone.localdate()
    JournalEntry.objects.bulk_create(
        JournalEntry(
            case=case,
            author=user,
            occurred_on=today - timedelta(days=n),
            text=f"Samtal med skyddspersonen, uppföljning {n + 1}",
        )
        for n in range(60)
    )
    page, check = new_page()
    login_through_forms(page, user.email, demo.DEMO_PASSWORD, current_totp(user))
    page.goto(f"/arenden/{case.key}/")
    journal = page.locator(".journal__entry")
    expect(journal).to_have_count(50)
    expect(page.get_by_text("Anteckning 1–50, de senaste först")).to_be_visible()
    check("journal-first-page")
    older = page.get_by_role("link", name="Äldre anteckningar")
    older.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Anteckning 51–61, de senaste först")).to_be_visible()
    expect(journal).to_have_count(11)
    older_note = "Du ser äldre anteckningar: 51–61, räknat från den senaste."
    expect(page.get_by_text(older_note)).to_be_visible()
    oldest = page.get_by_text("Samtal med skyddspersonen, uppföljning 60", exact=True)
    expect(oldest).to_be_visible()
    check("journal-second-page")
    page.get_by_role("link", name="Nyare anteckningar").click()
    expect(journal).to_have_count(50)
