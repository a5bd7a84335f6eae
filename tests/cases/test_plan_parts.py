"""Issue 10: each recipient organisation writes, reads and confirms its own part of the plan
("Socialtjänsten åtar sig att"). One case disclosed to Köping and Sala: a sentinel in Sala's
part never reaches any page, print or PDF of Köping's, Köping cannot change Sala's part
(service or forged POST), the police read both parts with the organisations' names, and
an edit of one part clears only the confirmations of those who saw it."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from cases.models import PlanPart, ProtectionCase, ProtectionPlan
from cases.models.plan import FrozenPlanError
from cases.plan import services
from cases.plan.forms import digest
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db

SALA_PART = "SNTLSALADEL ordnar boende i Sala"
KOPING_PART = "SNTLKOPINGDEL samtal i Köping"


@pytest.fixture
def case(handler, koping, sala, social, social_other) -> ProtectionCase:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    make_disclosure(case, sala, handlers=[social_other])
    return case


@pytest.fixture
def plan(handler, social, social_other, case) -> ProtectionPlan:
    plan = services.start_version(handler, case)
    services.update_texts(
        social, plan, expected_version=plan.version, changes={"social_commitments": KOPING_PART}
    )
    plan.refresh_from_db()
    services.update_texts(
        social_other, plan, expected_version=plan.version, changes={"social_commitments": SALA_PART}
    )
    plan.refresh_from_db()
    return plan


def url(name: str, case: ProtectionCase, number: int | None = None) -> str:
    kwargs: dict[str, object] = {"key": case.key}
    if number is not None:
        kwargs["number"] = number
    return reverse(f"cases:{name}", kwargs=kwargs)


def parts(plan: ProtectionPlan) -> dict[str, str]:
    return dict(PlanPart.objects.filter(plan=plan).values_list("organisation__name", "text"))


def pdf_text(client, case: ProtectionCase, number: int) -> str:
    response = client.get(url("plan_pdf", case, number))
    assert response.status_code == 200
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def everything(client, case: ProtectionCase, number: int) -> str:
    pages = [
        url("detail", case),
        url("casework", case),
        url("plan", case),
        url("plan_version", case, number),
        url("plan_edit", case, number),
        url("plan_confirm", case, number),
        url("plan_print", case, number),
    ]
    seen = []
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        seen.append(response.content.decode())
    seen.append(pdf_text(client, case, number))
    return "\n".join(seen)


def test_each_recipient_has_its_own_part(plan) -> None:
    assert parts(plan) == {"Socialtjänsten Köping": KOPING_PART, "Socialtjänsten Sala": SALA_PART}


def test_koping_never_sees_salas_part_or_name_anywhere(login, social, case, plan) -> None:
    seen = everything(login(social), case, plan.number)
    assert "SNTLSALADEL" not in seen and "Sala" not in seen
    assert KOPING_PART in seen  # the own part is there (the test would see a leak)
    assert "En annan mottagare har en egen del av planen" in seen


def test_the_print_and_pdf_of_a_recipient_show_the_police_part_and_its_own(
    login, handler, social, case, plan
) -> None:
    services.update_texts(
        handler, plan, expected_version=plan.version, changes={"police_commitments": "SNTLPOLIS"}
    )
    client = login(social)
    printed = client.get(url("plan_print", case, plan.number)).content.decode()
    pdf = pdf_text(client, case, plan.number)
    for text in (printed, pdf):
        assert "SNTLPOLIS" in text and "SNTLKOPINGDEL" in text
        assert "SNTLSALADEL" not in text


def test_the_police_see_every_part_with_the_organisation(login, handler, case, plan) -> None:
    client = login(handler)
    page = client.get(url("plan", case)).content.decode()
    printed = client.get(url("plan_print", case, plan.number)).content.decode()
    pdf = " ".join(pdf_text(client, case, plan.number).split())
    for text in (page, printed, pdf):
        assert "SNTLKOPINGDEL" in text and "SNTLSALADEL" in text
        assert "Socialtjänsten Köping" in text and "Socialtjänsten Sala" in text
    edit = client.get(url("plan_edit", case, plan.number)).content.decode()
    assert "SNTLSALADEL" in edit and 'name="social_commitments"' not in edit


def test_koping_cannot_change_salas_part_through_the_service(social, sala, plan) -> None:
    services.update_texts(
        social, plan, expected_version=plan.version, changes={"social_commitments": "Köpings"}
    )
    assert parts(plan)["Socialtjänsten Sala"] == SALA_PART
    assert parts(plan)["Socialtjänsten Köping"] == "Köpings"


def test_a_forged_post_from_koping_cannot_reach_salas_part(login, social, sala, case, plan) -> None:
    before = parts(plan)["Socialtjänsten Sala"]
    sala_part = PlanPart.objects.get(plan=plan, organisation=sala)
    client = login(social)
    forged = {
        "version": plan.version,
        "social_commitments": "Köping skriver över",
        "social_commitments_loaded": digest(KOPING_PART),
        "organisation": sala.pk,
        "recipient": sala.pk,
        "part": sala_part.pk,
        "pk": sala_part.pk,
        f"part_{sala.pk}": "Köping skriver över",
        "text": "Köping skriver över",
    }
    response = client.post(url("plan_edit", case, plan.number), forged)
    assert response.status_code == 302
    assert parts(plan)["Socialtjänsten Sala"] == before
    assert parts(plan)["Socialtjänsten Köping"] == "Köping skriver över"
    # Not through the confirmation either, nor the police-only texts.
    client.post(url("plan_confirm", case, plan.number), {**forged, "version": 999})
    assert parts(plan)["Socialtjänsten Sala"] == before


def test_an_edit_of_one_part_clears_only_the_confirmations_of_those_who_saw_it(
    handler, social, social_other, plan
) -> None:
    plan = services.confirm(handler, plan, expected_version=plan.version)
    plan = services.confirm(social, plan, expected_version=plan.version)
    services.update_texts(
        social_other, plan, expected_version=plan.version, changes={"social_commitments": "Nytt"}
    )
    standing = {c.organisation.name for c in services.standing_confirmations(plan)}
    assert standing == {"Socialtjänsten Köping"}  # the police read Sala's change, Köping did not
    # A joint text clears everyone's.
    plan = services.confirm(handler, plan, expected_version=plan.version)
    services.update_texts(
        handler, plan, expected_version=plan.version, changes={"introduction": "Ny inledning"}
    )
    assert services.standing_confirmations(plan) == []


def test_a_conflict_on_the_own_part_keeps_the_typed_text(login, social, case, plan) -> None:
    first, second = login(social), login(social)
    data = {
        "version": plan.version,
        "social_commitments": "Första",
        "social_commitments_loaded": digest(KOPING_PART),
    }
    assert first.post(url("plan_edit", case, plan.number), data).status_code == 302
    response = second.post(
        url("plan_edit", case, plan.number), {**data, "social_commitments": "Andra"}
    )
    assert response.status_code == 200
    assert response.context["form"]["social_commitments"].value() == "Andra"
    assert "Någon annan har sparat ändringar" in response.content.decode()
    assert parts(plan)["Socialtjänsten Köping"] == "Första"


def test_agreement_freezes_the_parts_and_a_new_version_copies_them(
    handler, social, social_other, case, plan
) -> None:
    for user in (handler, social, social_other):
        plan = services.confirm(user, plan, expected_version=plan.version)
    assert plan.is_agreed
    part = PlanPart.objects.get(plan=plan, organisation__name="Socialtjänsten Sala")
    part.text = "ändrad i efterhand"
    with pytest.raises(FrozenPlanError):
        part.save()
    with pytest.raises(FrozenPlanError):
        services.update_texts(
            social_other, plan, expected_version=plan.version, changes={"social_commitments": "x"}
        )
    following = services.start_version(handler, case)
    assert parts(following) == parts(plan)
    assert parts(plan)["Socialtjänsten Sala"] == SALA_PART


def test_a_recipient_alone_is_not_told_of_another_part(login, handler, koping, social) -> None:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    plan = services.start_version(handler, case)
    page = login(social).get(url("plan_version", case, plan.number)).content.decode()
    assert "En annan mottagare har en egen del" not in page
