"""Case work: measures and kontaktförbud.

Statuses per persona and URL are in tests/matrix/casework.py; here: what persists, the
Swedish messages, nothing typed lost and the social-services rule. Follow-ups and the to-do
list are in test_casework_followups.py, support information and closing in
test_casework_closing.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from cases import access
from cases.casework import services
from cases.casework.panels import case_panel
from cases.models import (
    ContactBan,
    ContactBanBreach,
    JournalEntry,
    MeasureKind,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
)
from tests.cases.casework_support import TODAY, follow_up, kind, participants, url
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db


# --- measures ----------------------------------------------------------------------------------


def test_handler_adds_a_measure_with_the_kinds_default_party(login, handler, case) -> None:
    response = login(handler).post(
        url("measure_add", case),
        {
            "kind": kind("tillfalligt-skyddat-boende").pk,
            "responsible_party": "",
            "status": "active",
            "start_date": TODAY().isoformat(),
            "note": "Plats ordnad",
        },
    )
    assert response.status_code == 302
    measure = ProtectiveMeasure.objects.get(case=case)
    assert measure.responsible_party == Party.SOCIAL  # the kind's default
    assert measure.status == "active" and measure.note == "Plats ordnad"
    assert measure.created_by == handler
    assert JournalEntry.objects.filter(case=case, text__startswith="Skyddsåtgärd tillagd").exists()


def test_measure_ending_before_it_starts_is_refused_and_nothing_typed_is_lost(
    login, handler, case
) -> None:
    response = login(handler).post(
        url("measure_add", case),
        {
            "kind": kind("skyddslarm").pk,
            "status": "active",
            "start_date": "2026-05-10",
            "end_date": "2026-05-01",
            "note": "Larmet lämnas ut på tisdag",
        },
    )
    assert response.status_code == 200
    assert "Slutdatumet kan inte vara före startdatumet." in response.content.decode()
    assert "Larmet lämnas ut på tisdag" in response.content.decode()
    assert 'value="2026-05-10"' in response.content.decode()
    assert not ProtectiveMeasure.objects.exists()


def test_protected_identity_measure_records_the_police_statement(login, handler, case) -> None:
    client = login(handler)
    client.post(
        url("measure_add", case),
        {
            "kind": kind("skyddade-personuppgifter").pk,
            "status": "active",
            "statement_date": (TODAY() - timedelta(days=1)).isoformat(),
            "statement_text": "Polisen tillstyrker sekretessmarkering.",
        },
    )
    measure = ProtectiveMeasure.objects.get(case=case)
    assert measure.statement_date == TODAY() - timedelta(days=1)
    assert measure.statement_text == "Polisen tillstyrker sekretessmarkering."

    response = client.post(
        url("measure_add", case),
        {"kind": kind("skyddslarm").pk, "status": "planned", "statement_text": "Fel ställe"},
    )
    assert response.status_code == 200
    assert "bara för åtgärden skyddade personuppgifter" in response.content.decode()


def test_inactive_kinds_are_not_offered(login, handler, case) -> None:
    MeasureKind.objects.filter(code="medling").update(active=False)
    response = login(handler).get(url("measure_add", case))
    assert "Medling" not in response.content.decode()
    assert "Konsekvenssamtal" in response.content.decode()


def test_two_people_editing_the_same_measure_the_second_is_told_and_keeps_the_text(
    login, handler, head, case
) -> None:
    measure = ProtectiveMeasure.objects.create(
        case=case, kind=kind("skyddslarm"), responsible_party=Party.POLICE
    )
    form = {"kind": measure.kind_id, "responsible_party": "police", "version": measure.version}
    first = login(handler).post(
        url("measure_edit", case, pk=measure.pk), {**form, "status": "active", "note": "Först"}
    )
    assert first.status_code == 302
    second = login(head).post(
        url("measure_edit", case, pk=measure.pk), {**form, "status": "planned", "note": "Andra"}
    )
    assert second.status_code == 200
    body = second.content.decode()
    assert "Någon annan har sparat ändringar" in body
    assert "Andra" in body  # what the head typed
    assert "Först" in body  # what is saved now
    measure.refresh_from_db()
    assert measure.note == "Först" and measure.version == 2
    # Saving again on purpose overwrites (the form now carries the current version).
    again = login(head).post(
        url("measure_edit", case, pk=measure.pk),
        {**form, "version": 2, "status": "ended", "end_date": TODAY().isoformat(), "note": "X"},
    )
    assert again.status_code == 302
    measure.refresh_from_db()
    assert measure.note == "X" and measure.version == 3


def test_end_and_decline_a_measure(login, handler, case) -> None:
    active = ProtectiveMeasure.objects.create(
        case=case, kind=kind("skyddslarm"), responsible_party=Party.POLICE, status="active"
    )
    planned = ProtectiveMeasure.objects.create(
        case=case, kind=kind("medling"), responsible_party=Party.POLICE
    )
    client = login(handler)
    client.post(url("measure_end", case, pk=active.pk), {"version": active.version})
    client.post(url("measure_decline", case, pk=planned.pk), {"version": planned.version})
    active.refresh_from_db()
    planned.refresh_from_db()
    assert active.status == "ended" and active.end_date == TODAY()
    assert planned.status == "declined"


def test_social_services_register_only_their_own_measures(login, social, case) -> None:
    client = login(social)
    response = client.post(
        url("measure_add", case),
        {"kind": kind("skyddslarm").pk, "responsible_party": "police", "status": "planned"},
    )
    assert response.status_code == 200
    assert not ProtectiveMeasure.objects.exists()
    client.post(
        url("measure_add", case),
        {"kind": kind("ekonomiskt-bistand").pk, "responsible_party": "social", "status": "active"},
    )
    own = ProtectiveMeasure.objects.get(case=case)
    assert own.responsible_party == Party.SOCIAL
    entry = JournalEntry.objects.get(case=case, text__startswith="Skyddsåtgärd tillagd")
    assert entry.visibility == JournalEntry.Visibility.SHARED


def test_social_services_cannot_change_a_police_measure(login, social, case) -> None:
    measure = ProtectiveMeasure.objects.create(
        case=case, kind=kind("skyddslarm"), responsible_party=Party.POLICE
    )
    client = login(social)
    edit = client.post(
        url("measure_edit", case, pk=measure.pk),
        {"kind": measure.kind_id, "responsible_party": "social", "status": "ended", "version": 1},
    )
    assert edit.status_code == 404
    assert client.post(url("measure_end", case, pk=measure.pk), {"version": 1}).status_code == 404
    measure.refresh_from_db()
    assert measure.status == "planned"
    with pytest.raises(services.CaseworkPermissionError):
        services.set_measure_status(social, measure, "ended", expected_version=1)


def test_social_services_may_not_hand_their_measure_to_the_police(login, social, case) -> None:
    measure = ProtectiveMeasure.objects.create(
        case=case, kind=kind("ekonomiskt-bistand"), responsible_party=Party.SOCIAL
    )
    response = login(social).post(
        url("measure_edit", case, pk=measure.pk),
        {"kind": measure.kind_id, "responsible_party": "police", "status": "active", "version": 1},
    )
    assert response.status_code == 200  # "police" is not a choice for them
    measure.refresh_from_db()
    assert measure.responsible_party == Party.SOCIAL


def test_social_services_without_the_measures_scope_see_nothing_of_case_work(
    login, handler, social, koping
) -> None:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], scope_measures=False)
    client = login(social)
    assert client.get(url("casework", case)).status_code == 404
    assert client.get(url("measure_add", case)).status_code == 404
    assert client.get(url("followup_add", case)).status_code == 404
    page = client.get(reverse("cases:detail", kwargs={"key": case.key}))
    assert page.status_code == 200
    assert "Skyddsåtgärder och uppföljning" not in page.content.decode()
    assert case_panel(access.get_case_for_user(social, case.key, log=False)) == {}


def test_social_services_see_roles_but_not_names_without_the_persons_scope(
    handler, social, koping
) -> None:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], scope_persons=False)
    roles = participants(case)
    ContactBan.objects.create(
        case=case,
        ban_type="ordinary",
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
    )
    panel = case_panel(access.get_case_for_user(social, case.key, log=False))
    ban = panel["bans"][0]
    assert ban.protected_label == "Skyddsperson"
    assert roles["protected"].person.first_name not in ban.restricted_label
    panel = case_panel(access.get_case_for_user(handler, case.key, log=False))
    assert roles["protected"].person.full_name in panel["bans"][0].protected_label


def test_break_the_glass_reader_gets_no_edit_links(handler, colleague, case) -> None:
    ProtectiveMeasure.objects.create(case=case, kind=kind("skyddslarm"), responsible_party="police")
    follow_up(case, handler)
    access.break_the_glass(colleague, case, reason="Skyddspersonen ringde")
    panel = case_panel(access.get_case_for_user(colleague, case.key, log=False))
    assert not panel["can_add"] and not panel["can_police"] and not panel["can_close"]
    assert not panel["current_measures"][0].can_edit
    assert panel["read_only_reason"] == "break_glass"


# --- kontaktförbud -----------------------------------------------------------------------------


def ban_form(case: ProtectionCase, **overrides: object) -> dict[str, object]:
    roles = participants(case)
    form: dict[str, object] = {
        "ban_type": "extended",
        "status": "granted",
        "electronic_monitoring": "on",
        "decision_date": (TODAY() - timedelta(days=2)).isoformat(),
        "deciding_body": "Åklagarkammaren i Västerås",
        "valid_from": (TODAY() - timedelta(days=1)).isoformat(),
        "valid_until": (TODAY() + timedelta(days=180)).isoformat(),
        "protected_participant": roles["protected"].pk,
        "restricted_participant": roles["threat_actor"].pk,
        "note": "Gäller även arbetsplatsen",
    }
    form.update(overrides)
    return form


def test_handler_registers_a_contact_ban_and_a_breach(login, handler, case) -> None:
    client = login(handler)
    assert client.post(url("contact_ban_add", case), ban_form(case)).status_code == 302
    ban = ContactBan.objects.get(case=case)
    assert ban.ban_type == "extended" and ban.electronic_monitoring
    assert ban.restricted_participant.role == "threat_actor"
    response = client.post(
        url("contact_ban_breach_add", case, pk=ban.pk),
        {"occurred_on": TODAY().isoformat(), "description": "Ringde tre gånger"},
    )
    assert response.status_code == 302
    assert ContactBanBreach.objects.get(ban=ban).description == "Ringde tre gånger"
    page = client.get(url("casework", case)).content.decode()
    assert "Ringde tre gånger" in page and "Gäller nu" in page


def test_contact_ban_valid_to_before_valid_from_is_refused_keeping_the_input(
    login, handler, case
) -> None:
    response = login(handler).post(
        url("contact_ban_add", case),
        ban_form(case, valid_from="2026-06-10", valid_until="2026-06-01"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Slutdatumet (gäller till) kan inte vara före startdatumet (gäller från)." in body
    assert "Gäller även arbetsplatsen" in body and "Åklagarkammaren i Västerås" in body
    assert 'value="2026-06-10"' in body and 'value="2026-06-01"' in body
    assert not ContactBan.objects.exists()


def test_contact_ban_restricted_person_must_not_be_the_protected_person(
    login, handler, case
) -> None:
    protected = participants(case)["protected"]
    response = login(handler).post(
        url("contact_ban_add", case), ban_form(case, restricted_participant=protected.pk)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "kan inte vara samma person som den skyddade" in body
    assert "Gäller även arbetsplatsen" in body
    assert not ContactBan.objects.exists()


def test_contact_ban_longer_than_configured_is_refused(login, handler, case, settings) -> None:
    settings.CONTACT_BAN_MAX_DAYS = {**settings.CONTACT_BAN_MAX_DAYS, "shared_home": 62}
    start = TODAY()
    response = login(handler).post(
        url("contact_ban_add", case),
        ban_form(
            case,
            ban_type="shared_home",
            valid_from=start.isoformat(),
            valid_until=(start + timedelta(days=90)).isoformat(),
        ),
    )
    assert response.status_code == 200
    assert "får gälla högst 62 dagar" in response.content.decode()
    settings.CONTACT_BAN_MAX_DAYS = {**settings.CONTACT_BAN_MAX_DAYS, "shared_home": 120}
    response = login(handler).post(
        url("contact_ban_add", case),
        ban_form(
            case,
            ban_type="shared_home",
            valid_from=start.isoformat(),
            valid_until=(start + timedelta(days=90)).isoformat(),
        ),
    )
    assert response.status_code == 302


def test_contact_ban_participants_come_from_the_case_only(login, handler, case) -> None:
    other = make_case(handler)
    stranger = participants(other)["threat_actor"]
    response = login(handler).post(
        url("contact_ban_add", case), ban_form(case, restricted_participant=stranger.pk)
    )
    assert response.status_code == 200
    assert not ContactBan.objects.exists()


def test_search_terms_find_cases_with_contact_bans(handler, case) -> None:
    other = make_case(handler)
    roles = participants(case)
    services.add_contact_ban(
        handler,
        case,
        ban_type="ordinary",
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
    )
    with_measure = make_case(handler)
    services.add_measure(handler, with_measure, kind=kind("kontaktforbud"))
    for term in ("besöksförbud", "Kontaktförbud", "kontaktförb"):
        assert services.is_contact_ban_term(term)
    assert not services.is_contact_ban_term("Köping")
    found = ProtectionCase.objects.filter(
        pk__in=services.case_ids_with_contact_ban(access.openable_cases(handler))
    )
    assert set(found) == {case, with_measure}
    assert other not in found
