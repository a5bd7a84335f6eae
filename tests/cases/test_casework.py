"""Case work: measures, kontaktförbud, follow-ups, support information, closing, legal hold.

Statuses per persona and URL are in tests/matrix/casework.py; here: what persists, the
Swedish messages, nothing typed lost, the social-services rule, closing and the to-do list.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import access
from cases.casework import services
from cases.casework.panels import case_panel
from cases.models import (
    ContactBan,
    ContactBanBreach,
    FollowUp,
    JournalEntry,
    LegalHold,
    MeasureKind,
    Participant,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
    SupportInformation,
    SupportOrganisation,
)
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(name: str, case: ProtectionCase, **kwargs: object) -> str:
    return reverse(f"cases:{name}", kwargs={"key": case.key, **kwargs})


def kind(code: str) -> MeasureKind:
    return MeasureKind.objects.get(code=code)


def participants(case: ProtectionCase) -> dict[str, Participant]:
    return {p.role: p for p in case.participants.all()}


@pytest.fixture
def case(handler, koping, social):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    return case


def follow_up(case: ProtectionCase, user, *, days: int = 7, party: str = Party.POLICE) -> FollowUp:
    return FollowUp.objects.create(
        case=case,
        kind=FollowUp.Kind.CONVERSATION,
        due_date=TODAY() + timedelta(days=days),
        assignee=user,
        responsible_party=party,
    )


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
    access.break_the_glass(colleague, case, "Skyddspersonen ringde")
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
    ContactBan.objects.create(
        case=case,
        ban_type="ordinary",
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
    )
    with_measure = make_case(handler)
    ProtectiveMeasure.objects.create(
        case=with_measure, kind=kind("kontaktforbud"), responsible_party="police"
    )
    for term in ("besöksförbud", "Kontaktförbud", "kontaktförb"):
        assert services.is_contact_ban_term(term)
    assert not services.is_contact_ban_term("Köping")
    found = ProtectionCase.objects.filter(
        pk__in=services.case_ids_with_contact_ban(access.openable_cases(handler))
    )
    assert set(found) == {case, with_measure}
    assert other not in found


# --- follow-ups --------------------------------------------------------------------------------


def test_new_follow_up_due_in_the_past_is_refused_keeping_the_input(login, handler, case) -> None:
    response = login(handler).post(
        url("followup_add", case),
        {
            "kind": "conversation",
            "due_date": (TODAY() - timedelta(days=1)).isoformat(),
            "responsible_party": "police",
            "assignee": handler.pk,
            "note": "Fråga om larmet fungerar",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Datumet har redan passerat" in body
    assert "Fråga om larmet fungerar" in body
    assert not FollowUp.objects.exists()


def test_handler_plans_and_completes_a_follow_up_and_plans_the_next(login, handler, case) -> None:
    client = login(handler)
    response = client.post(
        url("followup_add", case),
        {
            "kind": "conversation",
            "due_date": TODAY().isoformat(),
            "responsible_party": "police",
            "assignee": handler.pk,
        },
    )
    assert response.status_code == 302
    planned = FollowUp.objects.get(case=case)
    assert planned.assignee == handler and planned.created_by == handler
    response = client.post(
        url("followup_complete", case, pk=planned.pk),
        {
            "done_on": TODAY().isoformat(),
            "outcome": "Allt lugnt",
            "next_due_date": (TODAY() + timedelta(days=14)).isoformat(),
            "next_kind": "reassessment",
            "version": planned.version,
        },
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.done_on == TODAY() and planned.outcome == "Allt lugnt"
    nxt = FollowUp.objects.get(case=case, done_on__isnull=True)
    assert nxt.kind == "reassessment" and nxt.assignee == handler
    assert nxt.due_date == TODAY() + timedelta(days=14)


def test_completing_the_last_follow_up_warns_that_none_is_planned(login, handler, case) -> None:
    planned = follow_up(case, handler)
    response = login(handler).post(
        url("followup_complete", case, pk=planned.pk),
        {"done_on": TODAY().isoformat(), "outcome": "Klart", "version": planned.version},
        follow=True,
    )
    assert "Ärendet har nu ingen planerad uppföljning" in response.content.decode()


def test_follow_up_assignee_must_be_able_to_open_the_case(
    login, handler, colleague, social, case
) -> None:
    client = login(handler)
    form = {"kind": "other", "due_date": TODAY().isoformat(), "responsible_party": "police"}
    # An unassigned colleague cannot open the case: not offered, refused when posted.
    response = client.post(url("followup_add", case), {**form, "assignee": colleague.pk})
    assert response.status_code == 200
    # A social handler is assignable only with social services as the responsible party.
    response = client.post(url("followup_add", case), {**form, "assignee": social.pk})
    assert response.status_code == 200
    assert "Välj en handläggare hos polisen" in response.content.decode()
    response = client.post(
        url("followup_add", case), {**form, "responsible_party": "social", "assignee": social.pk}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(case=case).assignee == social


def test_social_services_complete_their_own_follow_up_only(login, handler, social, case) -> None:
    theirs = follow_up(case, social, party=Party.SOCIAL)
    police = follow_up(case, handler)
    client = login(social)
    done = {"done_on": TODAY().isoformat(), "outcome": "Samtal genomfört", "version": 1}
    assert client.post(url("followup_complete", case, pk=theirs.pk), done).status_code == 302
    assert client.post(url("followup_complete", case, pk=police.pk), done).status_code == 404
    theirs.refresh_from_db()
    police.refresh_from_db()
    assert theirs.done_on == TODAY() and police.done_on is None


def test_rescheduling_keeps_an_unchanged_past_date_but_refuses_a_new_past_date(
    login, handler, case
) -> None:
    late = FollowUp.objects.create(
        case=case, kind="other", due_date=TODAY() - timedelta(days=5), assignee=handler
    )
    form = {
        "kind": "other",
        "responsible_party": "police",
        "assignee": handler.pk,
        "version": 1,
        "note": "Påminn",
    }
    client = login(handler)
    response = client.post(
        url("followup_edit", case, pk=late.pk),
        {**form, "due_date": (TODAY() - timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 200 and "Datumet har redan passerat" in response.content.decode()
    response = client.post(
        url("followup_edit", case, pk=late.pk), {**form, "due_date": late.due_date.isoformat()}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.note == "Påminn" and late.version == 2


def test_case_page_says_loudly_when_an_open_case_has_no_next_follow_up(
    login, handler, case
) -> None:
    client = login(handler)
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert "Ärendet saknar nästa uppföljning" in page
    FollowUp.objects.create(
        case=case, kind="conversation", due_date=TODAY() - timedelta(days=2), assignee=handler
    )
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert "Ärendet saknar nästa uppföljning" not in page
    assert "Nästa uppföljning" in page and "Försenad" in page


# --- Att göra ----------------------------------------------------------------------------------


def test_todo_lists_own_due_and_overdue_follow_ups_over_visible_cases(
    handler, head, social, koping, case
) -> None:
    overdue = follow_up(case, handler, days=-3)
    due_soon = follow_up(case, handler, days=5)
    follow_up(case, handler, days=60)  # beyond the horizon
    follow_up(case, head, days=1)  # someone else's
    FollowUp.objects.create(
        case=case, kind="other", due_date=TODAY(), assignee=handler, done_on=TODAY()
    )
    closed = make_case(handler)
    follow_up(closed, handler, days=1)
    ProtectionCase.objects.filter(pk=closed.pk).update(status="closed", closed_on=TODAY())

    items = services.todo_for(handler)
    assert items == [overdue, due_soon]
    assert items[0].overdue and not items[1].overdue
    assert len(services.todo_for(handler, horizon_days=None)) == 3

    # Social services: only while the disclosure is active and includes measures.
    theirs = follow_up(case, social, days=2, party=Party.SOCIAL)
    assert services.todo_for(social) == [theirs]
    case.disclosures.update(scope_measures=False)
    assert services.todo_for(social) == []
    case.disclosures.update(scope_measures=True, withdrawn_at=timezone.now())
    assert services.todo_for(social) == []


def test_todo_drops_cases_the_user_can_no_longer_open(handler, colleague, head, case) -> None:
    item = follow_up(case, handler, days=1)
    assert services.todo_for(handler) == [item]
    from cases.services import assign_handler, unassign_handler

    assign_handler(head, case, colleague)  # a case keeps at least one responsible handler
    unassign_handler(head, case, handler)
    assert services.todo_for(handler) == []


def test_todo_page_uses_a_fixed_number_of_queries(
    login, handler, django_assert_num_queries
) -> None:
    client = login(handler)
    make_few = [make_case(handler) for _ in range(2)]
    for case in make_few:
        follow_up(case, handler, days=-1)
    client.get(reverse("cases:todo"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("cases:todo"))
    assert response.content.decode().count(">Försenad<") == 2
    for _ in range(8):
        follow_up(make_case(handler), handler, days=1)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:todo"))
    assert response.status_code == 200


def test_casework_page_uses_a_fixed_number_of_queries(
    login, handler, case, django_assert_num_queries
) -> None:
    client = login(handler)
    page = url("casework", case)
    roles = participants(case)
    org = SupportOrganisation.objects.first()

    def add_rows(n: int) -> None:
        for day in range(n):
            ProtectiveMeasure.objects.create(
                case=case, kind=kind("skyddslarm"), responsible_party="police"
            )
            follow_up(case, handler, days=day)
            FollowUp.objects.create(
                case=case, kind="other", due_date=TODAY(), done_on=TODAY(), assignee=handler
            )
            ban = ContactBan.objects.create(
                case=case,
                ban_type="ordinary",
                protected_participant=roles["protected"],
                restricted_participant=roles["threat_actor"],
            )
            ContactBanBreach.objects.create(ban=ban, occurred_on=TODAY(), description="x")
            SupportInformation.objects.create(
                case=case,
                participant=roles["protected"],
                organisation=org,
                informed_on=TODAY(),
                informed_by=handler,
            )

    add_rows(1)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    add_rows(8)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(page)
    assert response.content.decode().count("Skyddslarm/larmtelefon") >= 9


# --- support information -----------------------------------------------------------------------


def test_the_municipalitys_organisations_are_offered_first(handler, case) -> None:
    groups = services.offered_organisations(case, referral=False)
    label, first, secondary = groups[0]
    assert "Köping" in label and not secondary
    assert first and all(org.municipality_name == "Köping" for org in first)
    assert any(org.name == "Kvinnofridslinjen" for org in groups[1][1])
    referral = services.offered_organisations(case, referral=True)
    assert all(org.kind == "violence_users" for org in referral[0][1])


def test_without_a_disclosure_the_protected_persons_city_decides(handler) -> None:
    case = make_case(handler)  # PersonFactory lives in Köping
    Participant.objects.filter(case=case, role="protected").update()
    person = participants(case)["protected"].person
    person.city = "Sala"
    person.save()
    label, first, _secondary = services.offered_organisations(case, referral=False)[0]
    assert "Sala" in label and all(org.municipality_name == "Sala" for org in first)


def test_handler_records_support_information_and_a_referral(login, handler, case) -> None:
    roles = participants(case)
    line = SupportOrganisation.objects.get(name="Kvinnofridslinjen")
    local = SupportOrganisation.objects.get(name="Brottsofferjouren (Köping)")
    client = login(handler)
    page = client.get(url("support_info_add", case)).content.decode()
    assert page.index("Brottsofferjouren (Köping)") < page.index("Kvinnofridslinjen")
    response = client.post(
        url("support_info_add", case),
        {
            "participant": roles["protected"].pk,
            "organisations": [line.pk, local.pk],
            "informed_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    rows = SupportInformation.objects.filter(case=case, is_referral=False)
    assert {r.organisation for r in rows} == {line, local}
    assert all(r.informed_by == handler and r.participant == roles["protected"] for r in rows)

    men = SupportOrganisation.objects.get(name="Välj att sluta")
    # The protected person cannot be "referred" as a threat actor.
    bad = client.post(
        url("referral_add", case),
        {
            "participant": roles["protected"].pk,
            "organisations": [men.pk],
            "informed_on": TODAY().isoformat(),
        },
    )
    assert bad.status_code == 200
    client.post(
        url("referral_add", case),
        {
            "participant": roles["threat_actor"].pk,
            "organisations": [men.pk],
            "informed_on": TODAY().isoformat(),
        },
    )
    assert SupportInformation.objects.get(case=case, is_referral=True).organisation == men


def test_support_information_needs_at_least_one_organisation(login, handler, case) -> None:
    response = login(handler).post(
        url("support_info_add", case),
        {
            "participant": participants(case)["protected"].pk,
            "informed_on": TODAY().isoformat(),
            "note": "Broschyr lämnad",
        },
    )
    assert response.status_code == 200
    assert "Välj minst en verksamhet." in response.content.decode()
    assert "Broschyr lämnad" in response.content.decode()


# --- closing, reopening, legal hold ------------------------------------------------------------

CLOSE = {"reason": "threat_gone", "final_note": "Hotet har upphört enligt ny bedömning."}


def test_closing_is_refused_while_follow_ups_are_open_and_allowed_after(
    login, handler, case
) -> None:
    open_one = follow_up(case, handler, days=3)
    client = login(handler)
    response = client.post(url("case_close", case), CLOSE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ärendet kan inte avslutas" in body
    assert f"Uppföljningen ”Uppföljningssamtal” (senast {open_one.due_date.isoformat()})" in body
    assert "Hotet har upphört enligt ny bedömning." in body
    case.refresh_from_db()
    assert case.is_open

    client.post(
        url("followup_complete", case, pk=open_one.pk),
        {"done_on": TODAY().isoformat(), "outcome": "Sista samtalet", "version": 1},
    )
    response = client.post(url("case_close", case), CLOSE)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on == TODAY()
    closure = case.closures.get()
    assert closure.reason == "threat_gone" and closure.closed_by == handler


def test_closing_blockers_can_be_added_by_other_parts(handler, case) -> None:
    from cases import extensions

    def loan_blocks(c):
        return ["Larmtelefon 12 är fortfarande utlånad."]

    with (
        extensions.closing_blockers.override([*extensions.closing_blockers, loan_blocks]),
        pytest.raises(services.ClosingBlockedError) as exc,
    ):
        services.close_case(handler, case, reason="threat_gone", final_note="x")
    assert exc.value.blockers == ["Larmtelefon 12 är fortfarande utlånad."]


def test_other_reason_needs_a_description(login, handler, case) -> None:
    response = login(handler).post(url("case_close", case), {**CLOSE, "reason": "other"})
    assert response.status_code == 200
    assert "Beskriv skälet" in response.content.decode()


def test_a_closed_case_is_read_only(login, handler, case) -> None:
    services.close_case(handler, case, **CLOSE)
    client = login(handler)
    response = client.get(url("measure_add", case))
    assert response.status_code == 302
    response = client.post(
        url("followup_add", case),
        {"kind": "other", "due_date": TODAY().isoformat(), "responsible_party": "police"},
        follow=True,
    )
    assert "är avslutat och kan inte ändras" in response.content.decode()
    assert not FollowUp.objects.exists()
    with pytest.raises(services.CaseClosedError):
        services.add_measure(handler, case, kind=kind("skyddslarm"))
    with pytest.raises(services.CaseClosedError):
        services.ensure_open(ProtectionCase.objects.get(pk=case.pk))
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert "Ny skyddsåtgärd" not in page and "avslutades" in page


def test_ensure_open_reads_the_database_not_a_stale_object(handler, case) -> None:
    stale = ProtectionCase.objects.get(pk=case.pk)
    services.close_case(handler, case, **CLOSE)
    with pytest.raises(services.CaseClosedError):
        services.ensure_open(stale)


def test_only_the_head_reopens_with_a_reason(login, handler, head, case) -> None:
    services.close_case(handler, case, **CLOSE)
    assert login(handler).post(url("case_reopen", case), {"reason": "x"}).status_code == 404
    response = login(head).post(url("case_reopen", case), {"reason": ""})
    assert response.status_code == 200
    response = login(head).post(url("case_reopen", case), {"reason": "Nytt hot 2026-05-02"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_open and case.closed_on is None
    closure = case.closures.get()
    assert closure.reopened_by == head and closure.reopen_reason == "Nytt hot 2026-05-02"


def test_head_sets_and_removes_a_legal_hold(login, head, handler, case) -> None:
    assert login(handler).post(url("legal_hold", case), {"reason": "x"}).status_code == 404
    client = login(head)
    assert client.post(url("legal_hold", case), {"reason": "Pågående mål"}).status_code == 302
    assert LegalHold.objects.get(case=case).set_by == head
    assert client.post(url("legal_hold_remove", case)).status_code == 302
    assert not LegalHold.objects.filter(case=case).exists()


def test_closing_ends_planned_and_active_measures(login, handler, case) -> None:
    active = ProtectiveMeasure.objects.create(
        case=case,
        kind=kind("skyddslarm"),
        responsible_party="police",
        status="active",
        start_date=TODAY() - timedelta(days=10),
    )
    planned = ProtectiveMeasure.objects.create(
        case=case, kind=kind("medling"), responsible_party="police"
    )
    declined = ProtectiveMeasure.objects.create(
        case=case, kind=kind("bevakning"), responsible_party="police", status="declined"
    )
    client = login(handler)
    form = client.get(url("case_close", case)).content.decode()
    assert "markeras som avslutade" in form and "Medling" in form
    assert client.post(url("case_close", case), CLOSE).status_code == 302
    for measure in (active, planned, declined):
        measure.refresh_from_db()
    assert active.status == "ended" and active.end_date == TODAY()
    assert planned.status == "ended"
    assert declined.status == "declined" and declined.end_date is None


def test_cases_without_next_follow_up_for_lists(handler, case) -> None:
    planned = make_case(handler)
    follow_up(planned, handler)
    done_only = make_case(handler)
    FollowUp.objects.create(
        case=done_only, kind="other", due_date=TODAY(), done_on=TODAY(), assignee=handler
    )
    missing = services.without_next_follow_up(ProtectionCase.objects.all())
    assert set(missing) == {case, done_only}


def test_todo_template_tag_renders_the_users_list(rf, handler, case) -> None:
    from django.template import engines

    follow_up(case, handler, days=-1)
    request = rf.get("/")
    request.user = handler
    html = (
        engines["django"]
        .from_string("{% load casework_tags %}{% casework_todo %}")
        .render({}, request)
    )
    assert case.reference in html and ">Försenad<" in html
