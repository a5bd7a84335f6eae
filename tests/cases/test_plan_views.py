"""Plan pages per persona: allowed, 404, 405; the forms, conflicts, PDF headers and logging."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import access
from cases.models import AccessLogEntry, Party, ProtectionCase, ProtectionPlan
from cases.plan import services
from tests.cases.plan_support import access_for, part_text, pdf_text
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler, koping, social) -> ProtectionCase:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    return case


@pytest.fixture
def plan(handler, case) -> ProtectionPlan:
    return services.start_version(handler, case)


def url(name: str, case: ProtectionCase, number: int | None = None) -> str:
    kwargs: dict[str, object] = {"key": case.key}
    if number is not None:
        kwargs["number"] = number
    return reverse(f"cases:{name}", kwargs=kwargs)


# --- who sees what ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["handler", "head", "social", "social_head"])
def test_plan_readers_see_the_plan(request, login, case, plan, persona) -> None:
    client = login(request.getfixturevalue(persona))
    for name in ("plan", "plan_version", "plan_print"):
        response = client.get(url(name, case, None if name == "plan" else 1))
        assert response.status_code == 200, name
        assert "4 Ansvarsfördelning" in response.content.decode()


@pytest.mark.parametrize("persona", ["other_police", "social_other", "admin"])
def test_outsiders_get_404_everywhere(request, login, case, plan, persona) -> None:
    client = login(request.getfixturevalue(persona))
    for name in ("plan", "plan_version", "plan_print", "plan_pdf", "plan_edit"):
        number = None if name == "plan" else 1
        assert client.get(url(name, case, number)).status_code == 404, name
    for name in ("plan_confirm", "plan_new"):
        number = 1 if name == "plan_confirm" else None
        assert client.post(url(name, case, number), {"version": 1}).status_code == 404, name
    plan.refresh_from_db()
    assert not plan.confirmations.exists()


def test_social_services_without_plan_scope_get_404(handler, koping, login) -> None:
    from tests.factories import UserFactory

    case = make_case(handler)
    services.start_version(handler, case)
    reader = UserFactory(email="utan.plan@koping.test")
    from accounts.models import Membership

    Membership.objects.create(user=reader, organisation=koping, role=Membership.Role.HANDLER)
    make_disclosure(case, koping, handlers=[reader], scope_plan=False)
    client = login(reader)
    assert client.get(reverse("cases:detail", kwargs={"key": case.key})).status_code == 200
    for name in ("plan", "plan_version", "plan_print", "plan_pdf", "plan_edit"):
        number = None if name == "plan" else 1
        assert client.get(url(name, case, number)).status_code == 404, name
    assert client.post(url("plan_new", case)).status_code == 404
    # …and the case page has no plan panel for them.
    page = client.get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert "Gemensam skyddsplan" not in page


def test_colleague_is_sent_to_break_the_glass_then_reads_only(login, colleague, case, plan):
    client = login(colleague)
    response = client.get(url("plan", case))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"key": case.key})
    access.break_the_glass(colleague, case, reason="Skyddspersonen ringde")
    page = client.get(url("plan", case)).content.decode()
    assert "Ändra utkastet" not in page and "Bekräfta för" not in page
    assert client.get(url("plan_edit", case, 1)).status_code == 404
    assert client.post(url("plan_confirm", case, 1), {"version": 1}).status_code == 404
    assert client.get(url("plan_pdf", case, 1)).status_code == 200


def test_unknown_version_is_404(login, handler, case, plan) -> None:
    assert login(handler).get(url("plan_version", case, 9)).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("plan", "post"),
        ("plan_version", "post"),
        ("plan_print", "post"),
        ("plan_pdf", "post"),
        ("plan_edit", "delete"),
        ("plan_confirm", "delete"),
        ("plan_new", "get"),
    ],
)
def test_wrong_method_is_405(login, handler, case, plan, name, method) -> None:
    number = None if name in ("plan", "plan_new") else 1
    response = getattr(login(handler), method)(url(name, case, number))
    assert response.status_code == 405


# --- starting, editing, confirming ----------------------------------------------------------


def test_police_starts_the_first_version_from_the_empty_page(login, handler, case) -> None:
    client = login(handler)
    page = client.get(url("plan", case)).content.decode()
    assert "Ingen skyddsplan ännu" in page and "Upprätta skyddsplan" in page
    response = client.post(url("plan_new", case))
    assert response.status_code == 302 and response["Location"] == url("plan_edit", case, 1)
    assert ProtectionPlan.objects.get(case=case).number == 1


def test_starting_while_a_draft_exists_says_so(login, handler, case, plan) -> None:
    response = login(handler).post(url("plan_new", case), follow=True)
    assert "Det finns redan ett utkast (version 1)" in response.content.decode()
    assert ProtectionPlan.objects.filter(case=case).count() == 1


def test_edit_form_shows_only_the_partys_own_commitments(login, handler, social, case, plan):
    police_form = login(handler).get(url("plan_edit", case, 1)).content.decode()
    assert 'name="police_commitments"' in police_form
    assert 'name="social_commitments"' not in police_form
    social_form = login(social).get(url("plan_edit", case, 1)).content.decode()
    assert 'name="social_commitments"' in social_form
    assert 'name="police_commitments"' not in social_form


def test_posting_the_other_partys_text_changes_nothing_of_it(login, social, case, plan) -> None:
    response = login(social).post(
        url("plan_edit", case, 1),
        {"version": 1, "police_commitments": "socialtjänsten skriver åt polisen"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.police_commitments == ""


def test_saving_texts_and_the_notice_about_confirmations(login, handler, social, case, plan):
    police = login(handler)
    police.post(url("plan_confirm", case, 1), {"version": 1})
    response = login(social).post(
        url("plan_edit", case, 1),
        {"version": 1, "social_commitments": "Socialtjänsten ordnar boende.", "introduction": "x"},
        follow=True,
    )
    page = response.content.decode()
    assert "Bekräftelserna är nollställda" in page
    plan.refresh_from_db()
    assert part_text(plan) == "Socialtjänsten ordnar boende."
    assert services.standing_confirmations(plan) == []
    assert "Varje ändring i utkastet nollställer bekräftelserna" in page


def test_conflict_keeps_the_typed_text_and_shows_the_saved_one(login, handler, head, case, plan):
    head_client, handler_client = login(head), login(handler)
    handler_client.get(url("plan_edit", case, 1))  # both open the form at version 1
    head_client.post(url("plan_edit", case, 1), {"version": 1, "threat_text": "Chefens text"})

    response = handler_client.post(
        url("plan_edit", case, 1), {"version": 1, "threat_text": "Handläggarens text"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Någon annan har sparat ändringar" in page
    assert "Handläggarens text" in page  # what they typed, kept in the field
    assert "Chefens text" in page  # what is saved, shown beside it
    assert 'name="version" value="2"' in page
    plan.refresh_from_db()
    assert plan.threat_text == "Chefens text"

    # Saving again after seeing the other text is a deliberate overwrite.
    handler_client.post(url("plan_edit", case, 1), {"version": 2, "threat_text": "Samlad text"})
    plan.refresh_from_db()
    assert plan.threat_text == "Samlad text"


def test_conflict_takes_in_what_only_the_other_person_changed(
    login, handler, social, case, plan
) -> None:
    from cases.plan.forms import digest

    loaded = {name: getattr(plan, name, "") for name in services.EDITABLE_BY["social"]}
    form_data = {"version": 1, **loaded}
    form_data.update({f"{name}_loaded": digest(text) for name, text in loaded.items()})
    # The police saves the follow-up text while social services is writing its own part.
    login(handler).post(
        url("plan_edit", case, 1), {"version": 1, "follow_up_text": "Möte varje vecka."}
    )
    form_data["social_commitments"] = "Boende ordnas."
    response = login(social).post(url("plan_edit", case, 1), form_data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form["follow_up_text"].value() == "Möte varje vecka."  # theirs, taken in
    assert form["social_commitments"].value() == "Boende ordnas."  # mine, kept
    assert not any(row["conflict"] for row in response.context["rows"])
    plan.refresh_from_db()
    assert part_text(plan) == ""  # nothing saved behind their back
    # Saving the shown form now loses nothing.
    data = {k: v for k, v in form.data.items() if k != "csrfmiddlewaretoken"}
    login(social).post(url("plan_edit", case, 1), data)
    plan.refresh_from_db()
    assert (plan.follow_up_text, part_text(plan)) == ("Möte varje vecka.", "Boende ordnas.")


def test_too_long_text_is_an_error_next_to_the_field(login, handler, case, plan) -> None:
    response = login(handler).post(
        url("plan_edit", case, 1), {"version": 1, "introduction": "x" * 10_001}
    )
    assert response.status_code == 200
    assert "Texten får vara högst 10000 tecken" in response.content.decode()


def test_agreement_through_the_pages(login, handler, social, case, plan) -> None:
    police, soc = login(handler), login(social)
    # The confirmation page says what cannot be undone; nothing is confirmed by reading it.
    confirm = police.get(url("plan_confirm", case, 1)).content.decode()
    assert "Det här går inte att ångra" in confirm and "Ja, bekräfta för polisen" in confirm
    assert not plan.confirmations.exists()
    response = police.post(url("plan_confirm", case, 1), {"version": 1}, follow=True)
    assert "Din bekräftelse är registrerad" in response.content.decode()
    page = soc.get(url("plan", case)).content.decode()
    assert "Polisen: bekräftad av Hanna Handläggare" in page
    assert "Socialtjänsten: har inte bekräftat" in page
    confirm = soc.get(url("plan_confirm", case, 1)).content.decode()
    assert "Din bekräftelse gör versionen överenskommen" in confirm
    response = soc.post(url("plan_confirm", case, 1), {"version": 1}, follow=True)
    assert "Version 1 är överenskommen av båda parter." in response.content.decode()
    plan.refresh_from_db()
    assert plan.is_agreed
    # An agreed version: no edit form, a new version instead.
    response = police.get(url("plan_edit", case, 1), follow=True)
    assert "En överenskommen version ändras aldrig" in response.content.decode()
    response = police.post(url("plan_edit", case, 1), {"version": 99, "introduction": "y"})
    plan.refresh_from_db()
    assert plan.introduction != "y"
    page = police.get(url("plan", case)).content.decode()
    assert "Starta ny version" in page
    response = police.post(url("plan_new", case))
    assert response["Location"] == url("plan_edit", case, 2)
    plan.refresh_from_db()
    assert plan.status == ProtectionPlan.Status.SUPERSEDED


def test_confirming_what_changed_meanwhile_is_refused(login, handler, social, case, plan):
    services.update_texts(handler, plan, expected_version=1, changes={"introduction": "n"})
    response = login(social).post(url("plan_confirm", case, 1), {"version": 1}, follow=True)
    assert "Planen har ändrats sedan du öppnade den" in response.content.decode()
    assert not plan.confirmations.exists()


def test_confirm_without_version_is_an_error_message(login, handler, case, plan) -> None:
    response = login(handler).post(url("plan_confirm", case, 1), {}, follow=True)
    assert "Bekräftelsen kunde inte registreras" in response.content.decode()


# --- PDF and print view ---------------------------------------------------------------------


def test_pdf_download_headers(login, handler, case, plan) -> None:
    response = login(handler).get(url("plan_pdf", case, 1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="skyddsplan-{case.reference}-v1.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata["/Title"] == f"Gemensam skyddsplan {case.reference} v1"


@pytest.mark.parametrize("persona", ["handler", "social"])
def test_every_pdf_download_is_logged_once(request, login, case, plan, persona) -> None:
    user = request.getfixturevalue(persona)
    client = login(user)
    before = AccessLogEntry.objects.count()
    client.get(url("plan_pdf", case, 1))
    client.get(url("plan_pdf", case, 1))
    entries = list(AccessLogEntry.objects.order_by("pk")[before:])
    assert len(entries) == 2
    for entry in entries:
        assert (entry.user, entry.case, entry.channel, entry.granted) == (
            user,
            case,
            AccessLogEntry.Channel.PRINT,
            True,
        )
        assert entry.what == "skyddsplan v1 pdf"


def test_denied_pdf_is_logged_as_denied(login, other_police, case, plan) -> None:
    login(other_police).get(url("plan_pdf", case, 1))
    entry = AccessLogEntry.objects.filter(user=other_police).get()
    assert not entry.granted and entry.channel == AccessLogEntry.Channel.PRINT


def test_print_view_shows_the_same_and_is_logged_as_print(login, handler, case, plan) -> None:
    client = login(handler)
    page = client.get(url("plan_print", case, 1)).content.decode()
    entry = AccessLogEntry.objects.filter(user=handler).latest("pk")
    assert entry.channel == AccessLogEntry.Channel.PRINT and entry.what == "skyddsplan v1 utskrift"
    pdf = flat(pdf_text(client.get(url("plan_pdf", case, 1)).content))
    for text in ("SEKRETESS enligt OSL", case.reference, "UTKAST", "1.1 Berörda personer"):
        assert text in page and text in pdf
    # The plan's people are in both.
    person = case.participants.get(role="protected").person
    assert person.full_name in page and person.full_name in pdf


def flat(text: str) -> str:
    return " ".join(text.split())


# --- the case page panel --------------------------------------------------------------------


def test_case_page_panel(login, handler, social, case) -> None:
    detail = reverse("cases:detail", kwargs={"key": case.key})
    page = login(handler).get(detail).content.decode()
    assert "Ingen skyddsplan är upprättad" in page and "Upprätta skyddsplan" in page
    plan = services.start_version(handler, case)
    services.confirm(handler, plan, expected_version=1)
    page = login(social).get(detail).content.decode()
    assert "Version 1" in page and "Utkast" in page
    assert "Polisen: bekräftad av Hanna Handläggare" in page
    assert url("plan_pdf_wait", case, 1) in page and url("plan", case) in page
    assert url("plan_edit", case, 1) in page


def test_panel_is_empty_without_plan_scope(handler, koping, social) -> None:
    from cases.plan.panels import case_panel

    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], scope_plan=False)
    assert case_panel(access_for(social, case)) == {}
    panel = case_panel(access_for(handler, case))
    assert panel["template"] == "cases/plan/_panel.html" and panel["may_start"]


def test_panel_points_to_the_superseded_version_while_drafting(handler, social, case) -> None:
    from cases.plan.panels import case_panel

    police = access_for(handler, case)
    plan = services.start_version(handler, police.case)
    plan = services.confirm(handler, plan, expected_version=1)
    services.confirm(social, plan, expected_version=1)
    services.start_version(handler, police.case)
    panel = case_panel(police)
    assert panel["plan"].number == 2 and panel["previous"].number == 1
    assert [c.party for c in panel["standing"]] == []
    # The police see each recipient organisation that is still to confirm by name.
    assert panel["waiting_for"] == [Party.POLICE.label, "Socialtjänsten Köping"]


def test_plan_page_queries_do_not_grow_with_versions(
    login, handler, social, case, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client = login(handler)
    police = access_for(handler, case)
    for _ in range(6):
        plan = services.start_version(handler, police.case)
        plan = services.confirm(handler, plan, expected_version=plan.version)
        services.confirm(social, plan, expected_version=plan.version)
    client.get(
        url("plan", case)
    )  # the first visit writes the read; later ones in the window do not
    with django_assert_max_num_queries(40) as few:
        client.get(url("plan", case))
    for _ in range(6):
        plan = services.start_version(handler, police.case)
        plan = services.confirm(handler, plan, expected_version=plan.version)
        services.confirm(social, plan, expected_version=plan.version)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url("plan", case))


def test_the_pdf_links_lead_to_the_wait_page_that_starts_the_download(
    login, handler, case, plan
) -> None:
    client = login(handler)
    assert url("plan_pdf_wait", case, 1) in client.get(url("plan_version", case, 1)).text
    before = AccessLogEntry.objects.count()
    response = client.get(url("plan_pdf_wait", case, 1))
    assert response.status_code == 200
    body = response.text
    assert "PDF:en skapas…" in body and 'role="status"' in body
    # A plain link to the PDF (without JS) that static/js/plan-pdf.js follows at once.
    assert f'href="{url("plan_pdf", case, 1)}" data-pdf-download' in body
    assert "js/plan-pdf" in body and "<script>" not in body
    # The wait page shows nothing of the plan and is not logged; the PDF is, once.
    assert AccessLogEntry.objects.count() == before
    assert client.get(url("plan_pdf", case, 1)).status_code == 200
    assert AccessLogEntry.objects.count() == before + 1
