"""The case page: the full view for police, a limited view within the disclosed scope for
social services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import access, services
from cases.models import AccessLogEntry, JournalEntry, Person, SecretDwelling
from tests.factories import PersonFactory, make_case, make_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    protected = PersonFactory(
        first_name="Sigrid",
        last_name="Skyddad",
        protection=Person.Protection.SKYDDAD_FOLKBOKFORING,
    )
    case = make_case(
        handler,
        protected=protected,
        protected_contact={"street_address": "Verkligagatan 12"},
        threat_picture="Hotbild-sentinel-1",
    )
    services.add_journal_entry(
        handler,
        case,
        occurred_on=date.today(),
        text="Intern-sentinel-2",
        visibility=JournalEntry.Visibility.POLICE_INTERNAL,
    )
    services.add_journal_entry(
        handler,
        case,
        occurred_on=date.today(),
        text="Delad-sentinel-3",
        visibility=JournalEntry.Visibility.SHARED,
    )
    SecretDwelling.objects.create(
        case=case,
        person=protected,
        description="Skyddat boende",
        address="Polisboende-sentinel-4",
        police_only=True,
    )
    SecretDwelling.objects.create(
        case=case, person=protected, description="Jourlägenhet", address="Jourboende-sentinel-5"
    )
    return case


def url(case) -> str:
    return reverse("cases:detail", kwargs={"key": case.key})


def test_responsible_handler_sees_the_full_case(login, handler, case) -> None:
    page = login(handler).get(url(case)).text
    for text in (
        "Hotbild-sentinel-1",
        "Intern-sentinel-2",
        "Delad-sentinel-3",
        "Polisboende-sentinel-4",
        "Jourboende-sentinel-5",
        "Sigrid Skyddad",
        "Verkligagatan 12",
        "Hanna Handläggare",
        "Skyddad folkbokföring",
    ):
        assert text in page, text
    assert "(skyddad – lämna aldrig ut)" in page
    assert reverse("cases:edit", kwargs={"key": case.key}) in page
    assert reverse("cases:history", kwargs={"key": case.key}) in page
    assert "Polisintern" in page


def test_head_does_not_see_the_police_only_dwelling(login, head, case) -> None:
    page = login(head).get(url(case)).text
    assert "Jourboende-sentinel-5" in page and "Hotbild-sentinel-1" in page
    assert "Polisboende-sentinel-4" not in page


def test_break_the_glass_colleague_reads_but_cannot_edit(login, colleague, case) -> None:
    client = login(colleague)
    page = client.get(url(case))
    assert page.status_code == 200
    assert "Sigrid Skyddad" not in page.text  # the reason form first
    access.break_the_glass(colleague, case, reason="Skyddspersonen ringde")
    page = client.get(url(case)).text
    assert "Nödåtkomst" in page and "Hotbild-sentinel-1" in page
    assert "Polisboende-sentinel-4" not in page
    assert reverse("cases:edit", kwargs={"key": case.key}) not in page


def test_social_services_see_the_limited_view(login, social, koping, case) -> None:
    make_disclosure(case, koping, handlers=[social])
    page = login(social).get(url(case)).text
    assert "Begränsad vy för Socialtjänsten Köping" in page
    assert "Sigrid Skyddad" in page and "Skyddad folkbokföring" in page
    assert "Delad-sentinel-3" in page
    for secret in (
        "Hotbild-sentinel-1",
        "Intern-sentinel-2",
        "Polisboende-sentinel-4",
        "Jourboende-sentinel-5",
        "Verkligagatan 12",
        "Polisintern",
    ):
        assert secret not in page, secret
    assert "Skyddad adress – lämnas inte ut." in page
    assert reverse("cases:edit", kwargs={"key": case.key}) not in page
    assert reverse("cases:history", kwargs={"key": case.key}) not in page


def test_social_services_see_the_address_of_an_unprotected_person(
    login, social, koping, handler
) -> None:
    case = make_case(handler, protected_contact={"street_address": "Öppnagatan 3"})
    make_disclosure(case, koping, handlers=[social])
    assert "Öppnagatan 3" in login(social).get(url(case)).text


def test_without_the_persons_scope_no_person_is_shown(login, social, koping, case) -> None:
    make_disclosure(case, koping, handlers=[social], scope_persons=False)
    page = login(social).get(url(case)).text
    assert "Sigrid Skyddad" not in page
    assert "Personuppgifter ingår inte" in page
    assert "Jourboende-sentinel-5" not in page


def test_dwelling_scope_shows_the_ordinary_dwelling_only(login, social, koping, case) -> None:
    make_disclosure(case, koping, handlers=[social], scope_secret_dwelling=True)
    page = login(social).get(url(case)).text
    assert "Jourboende-sentinel-5" in page
    assert "Polisboende-sentinel-4" not in page


def test_dwelling_scope_without_persons_shows_no_names(login, social, koping, case) -> None:
    make_disclosure(
        case, koping, handlers=[social], scope_secret_dwelling=True, scope_persons=False
    )
    page = login(social).get(url(case)).text
    assert "Jourboende-sentinel-5" in page and "Sigrid Skyddad" not in page


def test_after_withdrawal_the_case_is_gone(login, social, koping, case) -> None:
    disclosure = make_disclosure(case, koping, handlers=[social])
    client = login(social)
    assert client.get(url(case)).status_code == 200
    disclosure.withdrawn_at = timezone.now()
    disclosure.save()
    assert client.get(url(case)).status_code == 404


def test_after_expiry_the_case_is_gone(login, social, koping, case) -> None:
    make_disclosure(
        case,
        koping,
        handlers=[social],
        valid_from=date.today() - timedelta(days=10),
        valid_until=date.today() - timedelta(days=1),
    )
    assert login(social).get(url(case)).status_code == 404


@pytest.mark.parametrize("persona", ["other_police", "social_other", "admin", "social"])
def test_no_access_is_404_and_logged_as_denied(request, login, case, persona) -> None:
    user = request.getfixturevalue(persona)
    assert login(user).get(url(case)).status_code == 404
    assert AccessLogEntry.objects.filter(user=user, case=case, granted=False).count() == 1


def test_each_read_writes_exactly_one_access_record(login, handler, case) -> None:
    before = AccessLogEntry.objects.count()
    login(handler).get(url(case))
    assert AccessLogEntry.objects.count() == before + 1


def test_post_is_405(login, handler, case) -> None:
    assert login(handler).post(url(case)).status_code == 405


def test_social_services_do_not_read_shared_notes_from_before_their_disclosure(
    login, handler, social, koping
) -> None:
    from cases.models import JournalEntry

    case = make_case(handler)
    old = JournalEntry.objects.create(
        case=case,
        author=handler,
        occurred_on=date.today() - timedelta(days=30),
        visibility=JournalEntry.Visibility.SHARED,
        text="Gammal-delad-sentinel",
    )
    JournalEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    JournalEntry.objects.create(
        case=case,
        author=handler,
        occurred_on=date.today(),
        visibility=JournalEntry.Visibility.SHARED,
        text="Ny-delad-sentinel",
    )
    make_disclosure(case, koping, handlers=[social], valid_from=date.today() - timedelta(days=1))
    page = login(social).get(url(case)).text
    assert "Ny-delad-sentinel" in page
    assert "Gammal-delad-sentinel" not in page
