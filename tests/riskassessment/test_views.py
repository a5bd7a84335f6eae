"""The assessment pages: the one-page form, finalising, what each reader sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLogEntry, FollowUp, MeasureKind, ProtectiveMeasure
from riskassessment import services
from riskassessment.models import Assessment
from tests.factories import make_case, make_disclosure
from tests.riskassessment.helpers import (
    confirm_finalise,
    final_assessment,
    form_post,
    instrument,
    sara,
)

pytestmark = pytest.mark.django_db


def _url(name: str, case, pk: int | None = None) -> str:
    kwargs = {"key": case.key}
    if pk is not None:
        kwargs["pk"] = pk
    return reverse(f"riskassessment:{name}", kwargs=kwargs)


def _start(client, case, code: str = "SARA_SV") -> Assessment:
    response = client.post(_url("start", case), {"instrument": instrument(code).pk})
    assert response.status_code == 302
    return Assessment.objects.filter(case=case).latest("pk")


def test_start_page_lists_active_instruments_and_starting_opens_the_form(login, handler):
    case = make_case(handler)
    client = login(handler)
    page = client.get(_url("start", case))
    assert page.status_code == 200
    for name in ("SARA:SV", "SAM", "PATRIARK", "Check-10+", "Hotbildsanalys"):
        assert name in page.content.decode()
    response = client.post(_url("start", case), {"instrument": sara().pk})
    assessment = Assessment.objects.get(case=case)
    assert response["Location"] == _url("edit", case, assessment.pk)
    form = client.get(response["Location"])
    html = form.content.decode()
    assert form.status_code == 200
    # One radio group (fieldset + legend) per factor and time frame, plus the "omitted" choice.
    assert html.count('class="ra-frame"') == 30
    assert html.count('value="-"') == 30
    assert "Allvarligt fysiskt/sexuellt våld" in html
    assert "Skyddslarm/larmtelefon" in html  # the measure catalogue


def test_start_without_choice_rerenders_with_a_swedish_message(login, handler):
    case = make_case(handler)
    response = login(handler).post(_url("start", case), {})
    assert response.status_code == 200
    assert "Välj ett instrument." in response.content.decode()


def test_save_draft_stores_everything_and_comes_back_to_the_form(login, handler):
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case)
    data = form_post(assessment, rating="D")
    data["save"] = "1"
    response = client.post(_url("edit", case, assessment.pk), data)
    assert response.status_code == 302 and response["Location"] == _url("edit", case, assessment.pk)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT and assessment.version == 2
    assert assessment.ratings.filter(rating="D").count() == 30
    page = client.get(response["Location"]).content.decode()
    assert "Utkastet är sparat." in page
    assert page.count("checked") >= 30  # the saved ratings are shown again


def test_a_lost_session_finds_the_draft_in_the_case(login, handler, client):
    case = make_case(handler)
    first = login(handler)
    assessment = _start(first, case)
    first.post(_url("edit", case, assessment.pk), form_post(assessment, rating="N"))
    first.logout()
    again = login(handler)
    panel = again.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert _url("edit", case, assessment.pk) in panel
    assert "Fortsätt med utkastet" in panel
    assert _start(again, case).pk == assessment.pk  # starting again opens the same draft


def test_finalise_with_a_missing_judgement_names_it_and_keeps_what_was_typed(login, handler):
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case)
    data = form_post(assessment, rating="J")
    severe = assessment.instrument.summary_definitions.get(code="severe_violence")
    del data[f"jl_{severe.pk}"]
    data["e_" + str(services.load_structure(sara()).factors[0].pk)] = "Hotade med kniv (test)"
    data["finalise"] = "1"
    response = client.post(_url("edit", case, assessment.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ange ”Risk för allvarligt/dödligt våld” innan du slutför bedömningen." in html
    # The message sits inside that judgement's fieldset.
    fieldset = html.split(f'id="judgement-{severe.pk}"', 1)[1].split("</fieldset>", 1)[0]
    assert "innan du slutför" in fieldset
    assert "Hotade med kniv (test)" in html
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.ratings.filter(rating="J").count() == 30  # saved as a draft too
    assert f'name="version" value="{assessment.version}"' in html


def test_finalise_creates_measures_and_follow_up_and_the_case_page_shows_the_level(login, handler):
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case)
    alarm = MeasureKind.objects.get(code="skyddslarm")
    due = (timezone.localdate() + timedelta(days=28)).isoformat()
    data = form_post(
        assessment, level="high", measures=[alarm.pk], next_reassessment_on=due, finalise="1"
    )
    response = client.post(_url("edit", case, assessment.pk), data)
    # Saved as a draft; the confirmation page says what cannot be undone before finalising.
    assert response.status_code == 302
    assert response["Location"] == _url("finalise", case, assessment.pk)
    assessment.refresh_from_db()
    assert not assessment.is_final
    confirm = client.get(response["Location"]).content.decode()
    assert "Det här går inte att ångra" in confirm and "Skyddslarm/larmtelefon" in confirm
    response = confirm_finalise(client, assessment)
    assert response["Location"] == reverse("cases:detail", kwargs={"key": case.key})
    assessment.refresh_from_db()
    assert assessment.is_final
    assert ProtectiveMeasure.objects.get(case=case).kind == alarm
    assert FollowUp.objects.get(case=case).due_date.isoformat() == due
    page = client.get(response["Location"]).content.decode()
    assert '<span class="badge badge--high">Hög</span>' in page
    assert "Bedömningen är slutförd." in page


def test_a_final_assessment_refuses_edits_in_the_view(login, handler):
    case = make_case(handler)
    final = final_assessment(handler, case, rating="N")
    client = login(handler)
    response = client.post(_url("edit", case, final.pk), form_post(final, rating="J"))
    assert response.status_code == 302 and response["Location"] == _url("detail", case, final.pk)
    assert final.ratings.filter(rating="J").count() == 0
    assert client.get(_url("edit", case, final.pk)).status_code == 302
    autosave = client.post(
        _url("edit", case, final.pk), form_post(final), headers={"X-Skydd-Autosave": "1"}
    )
    assert autosave.status_code == 409


def test_stale_version_rerenders_with_a_conflict_message_and_keeps_the_input(login, handler, head):
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case)
    login(head).post(_url("edit", case, assessment.pk), form_post(assessment, rating="N"))
    data = form_post(assessment, rating="J")  # still version 1
    data["e_" + str(services.load_structure(sara()).factors[0].pk)] = "Min text (test)"
    response = client.post(_url("edit", case, assessment.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "har sparats av någon annan" in html and "Min text (test)" in html
    assert assessment.ratings.filter(rating="J").count() == 0


def test_a_draft_post_without_its_version_is_refused_not_overwritten(login, handler):
    """Issue 10: the draft uses the version check like every other edit."""
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case)
    data = form_post(assessment, rating="J")
    del data["version"]
    response = client.post(_url("edit", case, assessment.pk), data)
    assert response.status_code == 200
    assert "har sparats av någon annan" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.version == 1 and assessment.ratings.filter(rating="J").count() == 0
    autosave = client.post(
        _url("edit", case, assessment.pk), data, headers={"X-Skydd-Autosave": "1"}
    )
    assert autosave.status_code == 409
    assert assessment.ratings.filter(rating="J").count() == 0


def test_autosave_answers_json_with_the_new_version(login, handler):
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case)
    response = client.post(
        _url("edit", case, assessment.pk),
        form_post(assessment, rating="D"),
        headers={"X-Skydd-Autosave": "1"},
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = client.post(
        _url("edit", case, assessment.pk),
        form_post(assessment, rating="J"),
        headers={"X-Skydd-Autosave": "1"},
    )
    assert stale.status_code == 409
    bad = client.post(
        _url("edit", case, assessment.pk),
        {**form_post(assessment), "version": 2, "assessed_on": "igår"},
        headers={"X-Skydd-Autosave": "1"},
    )
    assert bad.status_code == 422


def test_invalid_dates_rerender_with_swedish_messages(login, handler):
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    data = form_post(assessment, next_reassessment_on=yesterday)
    data["assessed_on"] = timezone.localdate().isoformat()
    response = client.post(_url("edit", case, assessment.pk), data)
    assert response.status_code == 200
    assert "Nästa omprövning kan inte ligga före bedömningsdatumet." in response.content.decode()


def test_reassess_button_opens_a_copy(login, handler):
    case = make_case(handler)
    final = final_assessment(handler, case, rating="D")
    response = login(handler).post(_url("reassess", case, final.pk))
    new = Assessment.objects.get(previous=final)
    assert response["Location"] == _url("edit", case, new.pk)
    assert new.ratings.filter(rating="D").count() == 30


def test_discard_needs_the_current_version(login, handler):
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case)
    assert client.post(_url("discard", case, assessment.pk), {}).status_code == 302
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    client.post(_url("discard", case, assessment.pk), {"version": assessment.version})
    assert not Assessment.objects.filter(pk=assessment.pk).exists()


# --- what each reader sees ---------------------------------------------------------------------


def test_summary_scope_shows_the_summary_but_no_factors(login, handler, social, koping):
    case = make_case(handler)
    final = final_assessment(handler, case, level="high")
    make_disclosure(case, koping, handlers=[social], scope_risk_summary=True)
    client = login(social)
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert '<span class="badge badge--high">Hög</span>' in page
    assert "Aktuell risk (kommande veckor)" in page
    assert _url("detail", case, final.pk) not in page  # no way into the factor table
    detail = client.get(_url("detail", case, final.pk)).content.decode()
    assert "ra-factor-table" not in detail and "Allvarligt fysiskt" not in detail
    assert "Riskfaktorerna ingår inte" in detail
    assert client.get(_url("compare", case) + f"?a={final.pk}&b={final.pk}").status_code == 200
    other = final_assessment(handler, case, instrument("CHECK10"))
    assert client.get(_url("compare", case) + f"?a={final.pk}&b={other.pk}").status_code == 404


def test_full_scope_shows_the_factor_table(login, handler, social, koping):
    case = make_case(handler)
    final = final_assessment(handler, case)
    make_disclosure(case, koping, handlers=[social], scope_risk_full=True)
    detail = login(social).get(_url("detail", case, final.pk)).content.decode()
    assert "ra-factor-table" in detail and "Allvarligt fysiskt/sexuellt våld" in detail


def test_no_risk_scope_shows_no_police_assessment(login, handler, social, koping):
    case = make_case(handler)
    final = final_assessment(handler, case, level="high")
    make_disclosure(case, koping, handlers=[social], scope_risk_summary=False)
    client = login(social)
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert "badge--high" not in page
    assert client.get(_url("detail", case, final.pk)).status_code == 404


def test_police_draft_is_404_for_social_services(login, handler, social, koping):
    case = make_case(handler)
    draft, _ = services.start_assessment(handler, case, instrument=sara())
    make_disclosure(case, koping, handlers=[social], scope_risk_full=True)
    client = login(social)
    assert client.get(_url("detail", case, draft.pk)).status_code == 404
    assert client.get(_url("edit", case, draft.pk)).status_code == 404
    assert client.post(_url("edit", case, draft.pk), form_post(draft)).status_code == 404


def test_social_services_record_their_own_assessment_in_the_ui(login, handler, social, koping):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], scope_risk_summary=False)
    client = login(social)
    assessment = _start(client, case, "CHECK10")
    assert assessment.organisation == koping
    response = client.post(
        _url("edit", case, assessment.pk), form_post(assessment, level="medium", finalise="1")
    )
    assert response.status_code == 302
    assert confirm_finalise(client, assessment).status_code == 302
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert '<span class="badge badge--medium">Medel</span>' in page
    police = login(handler).get(reverse("cases:detail", kwargs={"key": case.key}))
    assert "badge--medium" not in police.content.decode()  # not disclosed back


def test_break_the_glass_colleague_reads_but_cannot_start(login, handler, colleague):
    from cases import access

    case = make_case(handler)
    final = final_assessment(handler, case)
    access.break_the_glass(colleague, case, reason="Akut – skyddspersonen ringde jourtid")
    client = login(colleague)
    assert client.get(_url("detail", case, final.pk)).status_code == 200
    assert client.get(_url("start", case)).status_code == 404
    assert client.post(_url("reassess", case, final.pk)).status_code == 404


def test_reads_are_logged(login, handler):
    case = make_case(handler)
    final = final_assessment(handler, case)
    login(handler).get(_url("detail", case, final.pk))
    entry = AccessLogEntry.objects.filter(case=case, user=handler).first()
    assert entry is not None and entry.granted and entry.what == "riskbedömning"


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("list", "post"),
        ("detail", "post"),
        ("compare", "post"),
        ("reassess", "get"),
        ("discard", "get"),
        ("edit", "delete"),
        ("start", "delete"),
    ],
)
def test_wrong_method_is_405(login, handler, name, method):
    case = make_case(handler)
    final = final_assessment(handler, case)
    needs_pk = name in ("detail", "reassess", "discard", "edit")
    url = _url(name, case, final.pk if needs_pk else None)
    assert getattr(login(handler), method)(url).status_code == 405


# --- query counts -----------------------------------------------------------------------------

# Session, user, OTP device, case, memberships, guardian check, the check that this read is
# already logged (a visit within cases.readlog.READ_WINDOW writes no row); then the history
# itself: received scopes, assessments, their judgements with the labels of their levels
# (one statement: riskassessment.services.reading._JUDGEMENTS_SQL). The menu reads the
# memberships access read (accounts.models.active_memberships); the idle stamp is not saved
# on every page.
LIST_QUERIES = 10


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("many", [False, True])
def test_history_list_has_a_fixed_number_of_queries(
    login, handler, many, django_assert_num_queries
):
    case = make_case(handler)
    codes = ["SARA_SV", "CHECK10", "SAM", "PATRIARK", "SARA_SV", "CHECK10"] if many else ["SAM"]
    for code in codes:
        final_assessment(handler, case, instrument(code))
    services.start_assessment(handler, case, instrument=instrument("HOTBILD"))
    client = login(handler)
    url = _url("list", case)
    client.get(url)  # the first request of a session writes more to the session
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)


def test_case_panel_costs_the_same_for_few_and_many_assessments(login, handler):
    case = make_case(handler)
    client = login(handler)
    url = reverse("cases:detail", kwargs={"key": case.key})
    final_assessment(handler, case)
    client.get(url)
    few = _count_queries(client, url)
    for code in ("CHECK10", "SAM", "PATRIARK", "SARA_SV", "CHECK10"):
        final_assessment(handler, case, instrument(code))
    assert _count_queries(client, url) == few


def test_threat_analysis_has_no_factors_only_judgements(login, handler):
    case = make_case(handler)
    client = login(handler)
    assessment = _start(client, case, "HOTBILD")
    form = client.get(_url("edit", case, assessment.pk)).content.decode()
    assert "Riskfaktorer" not in form and "Hotbildsanalys" in form
    response = client.post(
        _url("edit", case, assessment.pk), form_post(assessment, level="medium", finalise="1")
    )
    assert response.status_code == 302
    assert confirm_finalise(client, assessment).status_code == 302
    detail = client.get(_url("detail", case, assessment.pk)).content.decode()
    assert "ra-factor-table" not in detail and "badge--medium" in detail
    older = final_assessment(handler, case, instrument("HOTBILD"), level="low")
    compare = client.get(_url("compare", case) + f"?a={older.pk}&b={assessment.pk}")
    assert compare.status_code == 200 and "Riskfaktorer som ändrats" not in compare.content.decode()


@pytest.mark.parametrize("value", ["²", "١", "9" * 40, "-1", "abc"])
def test_compare_with_a_malformed_choice_says_so_in_swedish(login, handler, value):
    """Issue 10: ``…/bedomningar/jamfor/?a=²`` was a 500."""
    case = make_case(handler)
    response = login(handler).get(_url("compare", case), {"a": value, "b": "1"})
    assert response.status_code == 200
    assert "Välj två olika bedömningar att jämföra." in response.content.decode()
