"""Case work: support information, closing, reopening and legal hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from cases import errors
from cases.casework import services
from cases.models import (
    FollowUp,
    LegalHold,
    Participant,
    ProtectionCase,
    ProtectiveMeasure,
    SupportInformation,
    SupportOrganisation,
)
from tests.cases.casework_support import TODAY, follow_up, kind, participants, url
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db


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
    case = make_case(handler)  # factories.contact() lives in Köping
    Participant.objects.filter(case=case, role="protected").update(city="Sala")
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
            "participants": [roles["protected"].pk],
            "organisations": [line.pk, local.pk],
            "informed_on": TODAY().isoformat(),
            "may_contact": "no",
        },
    )
    assert response.status_code == 302
    rows = SupportInformation.objects.filter(case=case, is_referral=False)
    assert {r.organisation for r in rows} == {line, local}
    assert all(r.informed_by == handler and r.participant == roles["protected"] for r in rows)
    assert all(r.may_contact is False for r in rows)

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
            "participants": [participants(case)["protected"].pk],
            "informed_on": TODAY().isoformat(),
            "note": "Broschyr lämnad",
            "may_contact": "yes",
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
    # A valid form first shows the confirmation page: nothing is closed yet.
    assert response.status_code == 200
    body = response.content.decode()
    assert "Det här går inte att ångra" in body and "Ja, avsluta ärendet" in body
    case.refresh_from_db()
    assert case.is_open
    back = client.post(url("case_close", case), {**CLOSE, "back": "1"})
    assert "Hotet har upphört enligt ny bedömning." in back.content.decode()
    assert "Ja, avsluta ärendet" not in back.content.decode()
    response = client.post(url("case_close", case), {**CLOSE, "confirmed": "1"})
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
    form = {"reason": "Pågående mål", "version": 0}
    assert client.post(url("legal_hold", case), form).status_code == 302
    assert LegalHold.objects.get(case=case).set_by == head
    assert client.post(url("legal_hold_remove", case)).status_code == 302
    assert not LegalHold.objects.filter(case=case).exists()


def test_a_stale_legal_hold_save_is_a_conflict_keeping_the_typed_reason(login, head, case) -> None:
    """Issue 10: the second of two saves from the same page does not overwrite the first."""
    client = login(head)
    first = {"reason": "Pågående mål i tingsrätten", "version": 0}
    assert client.post(url("legal_hold", case), first).status_code == 302
    stale = {"reason": "Begäran från JO", "version": 0}
    page = client.post(url("legal_hold", case), stale)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Någon annan har sparat ändringar" in html
    assert "Begäran från JO" in html  # the typed text is kept
    assert "Pågående mål i tingsrätten" in html  # and the saved one shown beside it
    hold = LegalHold.objects.get(case=case)
    assert hold.reason == "Pågående mål i tingsrätten" and hold.version == 1
    # Without a version nothing is overwritten either.
    assert client.post(url("legal_hold", case), {"reason": "Utan version"}).status_code == 200
    assert LegalHold.objects.get(case=case).reason == "Pågående mål i tingsrätten"
    # Saving again from the conflict page (current version) changes the reason.
    again = {"reason": "Begäran från JO", "version": 1}
    assert client.post(url("legal_hold", case), again).status_code == 302
    hold.refresh_from_db()
    assert hold.reason == "Begäran från JO" and hold.version == 2


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
    assert client.post(url("case_close", case), {**CLOSE, "confirmed": "1"}).status_code == 302
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


def _relative(case) -> Participant:
    return Participant.objects.create(
        case=case, person=PersonFactory(), role=Participant.Role.RELATIVE
    )


def test_one_registration_tells_several_persons_with_one_note_and_answer(
    login, handler, case
) -> None:
    protected = participants(case)["protected"]
    relative = _relative(case)
    line = SupportOrganisation.objects.get(name="Kvinnofridslinjen")
    client = login(handler)
    response = client.post(
        url("support_info_add", case),
        {
            "participants": [protected.pk, relative.pk],
            "organisations": [line.pk],
            "informed_on": TODAY().isoformat(),
            "note": "Broschyr lämnad",
            "may_contact": "yes",
        },
    )
    assert response.status_code == 302
    rows = SupportInformation.objects.filter(case=case, is_referral=False)
    assert {r.participant for r in rows} == {protected, relative}
    assert all(r.may_contact is True and r.note == "Broschyr lämnad" for r in rows)
    # One structured journal event per person told.
    events = case.journal.filter(event="support_informed")
    assert sorted(e.params["role"] for e in events) == ["protected", "relative"]
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    section = page[page.index('id="stod"') : page.index('id="bevarande"')]
    assert protected.person.full_name in section and relative.person.full_name in section
    assert "Får kontaktas" in section and section.count("<td>Ja</td>") == 2


def test_support_information_without_a_person_is_refused_in_swedish(login, handler, case) -> None:
    line = SupportOrganisation.objects.get(name="Kvinnofridslinjen")
    response = login(handler).post(
        url("support_info_add", case),
        {
            "organisations": [line.pk],
            "informed_on": TODAY().isoformat(),
            "note": "Broschyr lämnad",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Välj minst en person som fick informationen." in page
    assert "Svara om stödorganisationen får kontakta personen." in page
    assert "Broschyr lämnad" in page
    assert not SupportInformation.objects.filter(case=case).exists()


def test_a_person_of_another_case_is_refused(login, handler, case) -> None:
    other = participants(make_case(handler))["protected"]
    line = SupportOrganisation.objects.get(name="Kvinnofridslinjen")
    response = login(handler).post(
        url("support_info_add", case),
        {
            "participants": [other.pk],
            "organisations": [line.pk],
            "informed_on": TODAY().isoformat(),
            "may_contact": "yes",
        },
    )
    assert response.status_code == 200
    assert "Välj bara personer som ingår i ärendet." in response.content.decode()
    assert not SupportInformation.objects.exists()
    # The service refuses it too, whatever the form does.
    with pytest.raises(errors.Invalid):
        services.record_support_information(
            handler,
            case,
            participants=[other],
            organisations=[line],
            informed_on=TODAY(),
            may_contact=True,
        )
