"""Who reaches the statistics: heads and administrators; everyone else 404. No case
reference, no person, no police-only figure where it does not belong."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership
from cases import statsaccess
from tests.factories import OrganisationFactory
from tests.statistics import dataset

pytestmark = pytest.mark.django_db

PAGE = reverse("statistics:page")
POLICE_ONLY = [
    "Ärendebelastning",
    "Kontaktförbud",
    "nödåtkomst",
    "Hot- och riskbedömning",
    "Uppföljning</h2>",
    "Information om stöd",
    "Larmutrustning",
    "Lån av larmutrustning",
]


@pytest.fixture
def data(unit_a, unit_b, koping, sala, handler, head, social):
    return dataset.build(unit_a, unit_b, koping, sala, handler, head, social)


@pytest.mark.parametrize(
    "persona", ["handler", "colleague", "other_police", "social", "social_other"]
)
def test_no_head_role_means_404(request, login, persona) -> None:
    user = request.getfixturevalue(persona)
    client = login(user)
    assert client.get(PAGE).status_code == 404
    assert (
        client.get(reverse("statistics:csv", kwargs={"table": "cases_summary"})).status_code == 404
    )
    assert statsaccess.statistics_scope(user) is None


def test_an_inactive_head_membership_gives_nothing(head, login) -> None:
    Membership.objects.filter(user=head).update(is_active=False)
    assert login(head).get(PAGE).status_code == 404


def test_a_head_of_an_inactive_unit_gives_nothing(head, unit_a, login) -> None:
    unit_a.is_active = False
    unit_a.save()
    assert login(head).get(PAGE).status_code == 404


def test_start_page_and_menu_link_to_statistics_for_heads_only(head, handler, login) -> None:
    assert PAGE in login(head).get("/").content.decode()
    assert PAGE not in login(handler).get("/").content.decode()


def test_social_services_head_sees_no_police_only_figure(data, social_head, login) -> None:
    with time_machine.travel(dataset.TODAY, tick=False):
        body = login(social_head).get(PAGE + "?period=last_month").content.decode()
        police_csv = login(social_head).get(
            reverse("statistics:csv", kwargs={"table": "cases_summary"})
        )
    assert "Mottagna utlämnanden per rättslig grund" in body
    for text in POLICE_ONLY:
        assert text not in body, text
    assert police_csv.status_code == 404


def test_a_head_may_choose_only_the_units_they_head(data, head, unit_a, unit_b, login) -> None:
    Membership.objects.create(user=head, organisation=unit_b, role=Membership.Role.HEAD)
    client = login(head)
    page = client.get(PAGE)
    assert "Alla mina enheter tillsammans" in page.content.decode()
    # An id the head does not head is a form error, not somebody else's figures.
    unit_c = OrganisationFactory(name="PSS Tredje", reference_prefix="PSS-C")
    response = client.get(PAGE, {"period": "this_month", "unit": unit_c.pk})
    assert response.status_code == 200
    assert "Välj en av enheterna." in response.content.decode()
    assert (
        client.get(
            reverse("statistics:csv", kwargs={"table": "cases_summary"}), {"unit": unit_c.pk}
        ).status_code
        == 400
    )


def test_no_case_reference_on_any_statistics_page_or_csv(
    data, head, admin, social_head, login
) -> None:
    references = [c.reference for c in data.cases.values()]
    assert all(references)
    with time_machine.travel(dataset.TODAY, tick=False):
        for user in (head, admin, social_head):
            client = login(user)
            body = client.get(PAGE + "?period=last_month").content.decode()
            keys = set(re.findall(r"/statistik/([a-z_]+)\.csv", body))
            assert keys, "no CSV links"
            bodies = [body] + [
                client.get(
                    reverse("statistics:csv", kwargs={"table": k}) + "?period=last_month"
                ).content.decode()
                for k in keys
            ]
            for text in bodies:
                for reference in references:
                    assert reference not in text
                assert "-2026-0" not in text


def test_admin_csv_applies_the_suppression_rule(data, admin, login) -> None:
    with time_machine.travel(dataset.TODAY, tick=False):
        response = login(admin).get(
            reverse("statistics:csv", kwargs={"table": "cases_summary"}) + "?period=last_month"
        )
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="skydd-statistik-cases_summary-20260301-20260331.csv"'
        in response["Content-Disposition"]
    )
    text = response.content.decode("utf-8-sig")
    assert "Hela landet" in text
    assert "Nya ärenden;<5;<5" in text
    assert "Öppna ärenden vid periodens slut;16;14" in text
    assert "Mediantid från öppnande till avslut (dagar);–;–" in text


def test_head_csv_is_not_suppressed_inside_the_own_unit(data, head, login) -> None:
    with time_machine.travel(dataset.TODAY, tick=False):
        text = (
            login(head)
            .get(
                reverse("statistics:csv", kwargs={"table": "cases_summary"}) + "?period=last_month"
            )
            .content.decode("utf-8-sig")
        )
    assert "Nya ärenden;3;2" in text
    assert "PSS Testlän" in text


def test_unknown_table_is_404(head, login) -> None:
    assert login(head).get(reverse("statistics:csv", kwargs={"table": "nope"})).status_code == 404


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"period": "custom"}, "start", "Ange första dagen när du väljer datum."),
        (
            {"period": "custom", "start": "2026-03-01"},
            "end",
            "Ange sista dagen när du väljer datum.",
        ),
        (
            {"period": "custom", "start": "2026-13-01", "end": "2026-03-02"},
            "start",
            "Ange datumet som ÅÅÅÅ-MM-DD.",
        ),
        (
            {"period": "custom", "start": "2026-03-05", "end": "2026-03-01"},
            "end",
            "Sista dagen kan inte vara före första dagen.",
        ),
        (
            {"period": "custom", "start": "2000-01-01", "end": "2026-03-01"},
            "end",
            "Välj en period på högst tio år.",
        ),
        (
            {"period": "custom", "start": "1999-12-31", "end": "2000-01-02"},
            "start",
            "Välj ett datum från år 2000 och framåt.",
        ),
        ({"period": "week"}, "period", "Välj en av perioderna."),
    ],
)
def test_bad_dates_give_a_swedish_message_next_to_the_field(
    head, login, params, field, message
) -> None:
    response = login(head).get(PAGE, params)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in form.errors[field]
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body and message in body
    assert "ctx" not in response.context or response.context.get("ctx") is None
    # What was typed stays in the form.
    for value in params.values():
        assert value in body


def test_chosen_dates_show_the_same_length_before(head, login) -> None:
    response = login(head).get(
        PAGE, {"period": "custom", "start": "2026-03-01", "end": "2026-03-10"}
    )
    ctx = response.context["ctx"]
    assert (str(ctx.previous.start), str(ctx.previous.end)) == ("2026-02-19", "2026-02-28")
