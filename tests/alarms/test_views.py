"""The alarm pages through the client: forms, messages, what persisted, the receipt PDF,
list queries, and what social services see (the measure, never the device)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from alarms import services
from alarms.models import Device, Loan, ReadinessCheck
from cases.models import AccessLogEntry, Participant, SecretDwelling
from tests.alarms.helpers import device, lend, protected
from tests.factories import make_case, make_disclosure
from tests.riskassessment.helpers import final_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    return make_case(handler)


def _lend_data(case, row, **extra):
    data = {
        "device": row.pk,
        "carrier": protected(case).pk,
        "started_on": date.today().isoformat(),
        "review_on": "",
        "return_by": "",
        "assessment": "none",
        "reason": "",
        "decision_maker": case.created_by_id,
    }
    data.update(extra)
    return data


def test_lend_form_requires_a_reason_without_assessment_and_keeps_the_input(login, handler, case):
    row = device(handler)
    url = reverse("alarms:loan_new", kwargs={"key": case.key})
    response = login(handler).post(url, _lend_data(case, row, return_by="2030-01-01"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ingen bedömning är vald: skriv skälet till beslutet." in body
    assert 'value="2030-01-01"' in body
    assert not Loan.objects.exists()


def test_lend_form_with_an_assessment_shows_its_summary_and_lends(login, handler, case):
    assessment = final_assessment(handler, case)
    row = device(handler)
    client = login(handler)
    url = reverse("alarms:loan_new", kwargs={"key": case.key})
    page = client.get(url).content.decode()
    assert "SARA" in page and "Hög" in page  # the summary judgement beside the choice
    response = client.post(
        url, _lend_data(case, row, assessment=str(assessment.pk), acknowledged="on")
    )
    loan = Loan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "alarms:loan", kwargs={"key": case.key, "loan": loan.key}
    )
    assert loan.acknowledged_on == date.today() and loan.acknowledged_recorded_by == handler
    assert str(row.serial) not in response["Location"]


def test_an_unready_device_is_not_offered_and_the_page_says_why(login, handler, case):
    row = device(handler, ready=False)
    page = login(handler).get(reverse("alarms:loan_new", kwargs={"key": case.key})).content.decode()
    assert f"Larmtelefon med GPS – {row.serial}</option>" not in page
    assert "har inte beredskapskontrollerats" in page
    response = login(handler).post(
        reverse("alarms:loan_new", kwargs={"key": case.key}), _lend_data(case, row, reason="x")
    )
    assert "Välj ett giltigt alternativ" in response.content.decode()


def test_case_page_shows_the_loan_to_police_and_only_the_measure_to_social_services(
    login, handler, social, koping, case
):
    make_disclosure(case, koping, handlers=[social])
    row = device(handler)
    lend(handler, case, row)
    police = login(handler).get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert row.serial in police and "Utan strukturerad bedömning" in police
    page = login(social).get(reverse("cases:detail", kwargs={"key": case.key})).content.decode()
    assert "Skyddslarm/larmtelefon" in page
    assert row.serial not in page and "Larmutrustning" not in page


def test_receipt_pdf_is_logged_marked_and_holds_no_address(login, handler, case):
    unit = case.unit
    unit.secrecy_marking = "SEKRETESS enligt 35 kap. 1 § OSL"
    unit.save()
    person = protected(case).person
    SecretDwelling.objects.create(
        case=case, person=person, description="Skyddat boende", address="Hemliga vägen 7"
    )
    row = device(handler)
    loan = lend(handler, case, row)
    url = reverse("alarms:loan_receipt", kwargs={"key": case.key, "loan": loan.key})
    before = AccessLogEntry.objects.filter(case=case, channel="print").count()
    response = login(handler).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert row.serial not in response["Content-Disposition"]
    assert person.last_name not in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert row.serial in text and "Larmtelefon med GPS" in text
    assert "SEKRETESS enligt 35 kap. 1 § OSL" in text and "Sida 1 av" in text
    assert "Hemliga vägen 7" not in text and protected(case).street_address not in text
    assert reader.metadata["/Title"] == f"Kvittens larmutrustning {case.reference}"
    assert AccessLogEntry.objects.filter(case=case, channel="print").count() == before + 1
    assert AccessLogEntry.objects.filter(case=case, what="larmkvittens pdf", granted=True).exists()


def test_check_form_records_results(login, handler):
    row = device(handler, ready=False)
    definitions = services.active_checks(row.kind)
    data = {f"check_{d.pk}": "on" for d in definitions[1:]} | {"note": "Batteri svagt"}
    response = login(handler).post(reverse("alarms:device_check", kwargs={"key": row.key}), data)
    assert response.status_code == 302
    check = ReadinessCheck.objects.get(device=row)
    assert not check.passed and check.results.filter(passed=False).count() == 1
    row.refresh_from_db()
    assert row.check_failed
    page = login(handler).get(reverse("alarms:device", kwargs={"key": row.key})).content.decode()
    assert "Den senaste beredskapskontrollen underkändes." in page


def test_inventory_filters(login, handler, case):
    ready = device(handler)
    unchecked = device(handler, ready=False)
    lent = device(handler)
    lend(handler, case, lent)
    client = login(handler)
    url = reverse("alarms:inventory")

    def serials(**params):
        body = client.get(url, params).content.decode()
        return {d.serial for d in (ready, unchecked, lent) if d.serial in body}

    assert serials() == {ready.serial, unchecked.serial, lent.serial}
    assert serials(problem="overdue") == {unchecked.serial}
    assert serials(problem="lendable") == {ready.serial}
    assert serials(status="on_loan") == {lent.serial}
    assert serials(problem="without_assessment") == {lent.serial}
    Loan.objects.filter(device=lent).update(
        started_on=date.today() - timedelta(days=100), review_on=date.today() - timedelta(days=1)
    )
    assert serials(problem="past_dates") == {lent.serial}


def test_inventory_lists_fifty_devices_a_page_and_keeps_the_filter(login, handler):
    from alarms.views import INVENTORY_PAGE_SIZE

    rows = [device(handler, ready=False) for _ in range(INVENTORY_PAGE_SIZE + 5)]
    client = login(handler)
    url = reverse("alarms:inventory")

    def listed(**params) -> tuple[list[str], str]:
        body = client.get(url, params).content.decode()
        return [d.serial for d in rows if f">{d.serial}</a>" in body], body

    first, body = listed()
    assert len(first) == INVENTORY_PAGE_SIZE and "55 enheter" in body
    assert 'href="?sida=2"' in body and "Sida 1 av 2" in body
    second, body = listed(sida=2)
    assert len(second) == 5 and not set(first) & set(second)
    assert sorted(first + second) == sorted(d.serial for d in rows)
    assert "Inga enheter" not in body
    _, body = listed(problem="overdue")
    assert 'href="?problem=overdue&amp;sida=2"' in body
    assert len(listed(problem="overdue", sida="x")[0]) == INVENTORY_PAGE_SIZE


def test_lend_form_explains_the_first_unready_devices_and_counts_the_rest(login, handler, case):
    from alarms.loan_views import UNREADY_SHOWN

    ready = device(handler)
    unready = [device(handler, ready=False) for _ in range(UNREADY_SHOWN + 3)]
    page = login(handler).get(reverse("alarms:loan_new", kwargs={"key": case.key})).content.decode()
    assert f"Larmtelefon med GPS – {ready.serial}</option>" in page
    assert f"{UNREADY_SHOWN + 3} enheter kan inte lånas ut just nu" in page
    explained = [d.serial for d in unready if f" {d.serial}: Enheten är ny" in page]
    assert explained == sorted(d.serial for d in unready)[:UNREADY_SHOWN]
    assert f"Visar de {UNREADY_SHOWN} första." in page
    assert f'href="{reverse("alarms:inventory")}?status=in_store"' in page


def test_inventory_finds_a_device_by_part_of_its_serial_on_any_page(login, handler):
    rows = [device(handler, ready=False) for _ in range(3)]
    body = login(handler).get(reverse("alarms:inventory"), {"serial": rows[1].serial[-3:]})
    html = body.content.decode()
    assert f">{rows[1].serial}</a>" in html
    assert f">{rows[0].serial}</a>" not in html and f">{rows[2].serial}</a>" not in html


def test_lend_form_explains_devices_in_store_before_those_out_on_loan(login, handler, case):
    from alarms.loan_views import UNREADY_SHOWN

    for _ in range(UNREADY_SHOWN):
        lend(handler, make_case(handler), device(handler))
    waiting = device(handler, ready=False)
    page = login(handler).get(reverse("alarms:loan_new", kwargs={"key": case.key})).content.decode()
    assert f"{UNREADY_SHOWN + 1} enheter kan inte lånas ut just nu" in page
    assert f" {waiting.serial}: Enheten är ny" in page  # first, though its serial is last
    assert page.count("har status ”Utlånad”") == UNREADY_SHOWN - 1


def test_inventory_queries_do_not_grow_with_rows(login, handler, django_assert_num_queries):
    client = login(handler)
    url = reverse("alarms:inventory")

    def add(n):
        for _ in range(n):
            lend(handler, make_case(handler), device(handler))
            device(handler, ready=False)

    add(1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(4)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_lend_form_queries_do_not_grow_with_the_units_devices(login, handler, case):
    """The device select names each device's kind: read with the devices, not one by one
    (a big unit's form ran 91 queries for its kinds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(handler)
    url = reverse("alarms:loan_new", kwargs={"key": case.key})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        ready = services.with_readiness(Device.objects.all()).filter(lendable=True).count()
        assert page.count("Larmtelefon med GPS – SN-") == ready
        return len(captured)

    device(handler)
    device(handler, ready=False)
    client.get(url)  # the session's first request also writes its idle stamp
    few = queries()
    for _ in range(5):
        device(handler)
        device(handler, ready=False)
    assert queries() == few


def test_another_units_inventory_does_not_list_this_units_devices(login, handler, other_police):
    row = device(handler)
    body = login(other_police).get(reverse("alarms:inventory")).content.decode()
    assert row.serial not in body
    assert (
        login(other_police).get(reverse("alarms:device", kwargs={"key": row.key})).status_code
        == 404
    )


def test_admin_and_social_services_get_404_on_device_pages(login, handler, admin, social):
    row = device(handler)
    for user in (admin, social):
        client = login(user)
        assert client.get(reverse("alarms:inventory")).status_code == 404
        assert client.get(reverse("alarms:device", kwargs={"key": row.key})).status_code == 404


def test_return_form_then_device_needs_a_check(login, handler, case):
    row = device(handler)
    loan = lend(handler, case, row)
    url = reverse("alarms:loan_return", kwargs={"key": case.key, "loan": loan.key})
    client = login(handler)
    response = client.post(url, {"version": loan.version, "on": date.today().isoformat()})
    assert "Bocka i att enheten är återlämnad" in response.content.decode()
    response = client.post(
        url,
        {
            "version": loan.version,
            "on": date.today().isoformat(),
            "returned_device": "on",
            "returned_charger": "on",
            "condition": "good",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.needs_check and row.status == Device.Status.IN_STORE
    assert Loan.objects.get().end_kind == "returned"


def test_closing_page_names_the_loan(login, handler, case):
    lend(handler, case, device(handler))
    response = login(handler).post(
        reverse("cases:case_close", kwargs={"key": case.key}),
        {"reason": "threat_gone", "final_note": "Klart"},
    )
    assert "Larmet ”Larmtelefon med GPS” är utlånat sedan" in response.content.decode()
    case.refresh_from_db()
    assert case.is_open


def test_carrier_choices_are_protected_person_and_family_only(login, handler, case):
    from tests.factories import PersonFactory

    child = Participant.objects.create(case=case, person=PersonFactory(), role="child")
    threat = case.participants.get(role="threat_actor")
    page = login(handler).get(reverse("alarms:loan_new", kwargs={"key": case.key})).content.decode()
    assert f'value="{child.pk}"' in page and f'value="{protected(case).pk}"' in page
    assert threat.person.last_name not in page
