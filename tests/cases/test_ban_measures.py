"""Kontaktförbud and measures agree; the plan lists the bans in force (issue 11, item 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.casework import services
from cases.models import ContactBan, MeasureKind, Participant, ProtectiveMeasure
from cases.plan import services as plan_services
from tests.factories import make_case
from tests.test_pdf import text_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
UNTIL = TODAY + timedelta(days=120)


def _parties(case) -> dict[str, Participant]:
    return {p.role: p for p in case.participants.all()}


def _ban(handler, case, **kw) -> ContactBan:
    roles = _parties(case)
    return services.add_contact_ban(
        handler,
        case,
        ban_type=ContactBan.BanType.ORDINARY,
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
        **kw,
    )


def _measures(case) -> dict[str, ProtectiveMeasure]:
    return {m.kind.code: m for m in ProtectiveMeasure.objects.filter(case=case)}


def test_granting_a_ban_sets_both_measures_active(handler) -> None:
    case = make_case(handler)
    ban = _ban(handler, case, status="granted", valid_from=TODAY, valid_until=UNTIL)
    measures = _measures(case)
    assert set(measures) == {"kontaktforbud", "uppfoljning-kontaktforbud"}
    for measure in measures.values():
        assert measure.status == ProtectiveMeasure.Status.ACTIVE
        assert (measure.start_date, measure.end_date) == (TODAY, UNTIL)
        assert measure.contact_ban == ban


def test_a_requested_ban_plans_the_measure_and_granting_updates_it(handler) -> None:
    case = make_case(handler)
    planned_by_hand = services.add_measure(
        handler, case, kind=MeasureKind.objects.get(code="kontaktforbud")
    )
    ban = _ban(handler, case)  # requested
    measures = _measures(case)
    assert measures["kontaktforbud"] == planned_by_hand  # adopted, not doubled
    assert measures["kontaktforbud"].status == ProtectiveMeasure.Status.PLANNED
    roles = _parties(case)
    services.update_contact_ban(
        handler,
        ban,
        expected_version=ban.version,
        ban_type=ban.ban_type,
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
        status="granted",
        electronic_monitoring=False,
        decision_date=TODAY,
        deciding_body="Åklagarmyndigheten",
        valid_from=TODAY,
        valid_until=UNTIL,
        note="",
    )
    measures = _measures(case)
    assert ProtectiveMeasure.objects.filter(case=case).count() == 2
    assert {m.status for m in measures.values()} == {ProtectiveMeasure.Status.ACTIVE}
    assert case.journal.filter(event="measure_status").exists()
    ban.refresh_from_db()
    services.update_contact_ban(
        handler,
        ban,
        expected_version=ban.version,
        ban_type=ban.ban_type,
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
        status="revoked",
        electronic_monitoring=False,
        decision_date=TODAY,
        deciding_body="Åklagarmyndigheten",
        valid_from=TODAY,
        valid_until=UNTIL,
        note="",
    )
    assert {m.status for m in _measures(case).values()} == {ProtectiveMeasure.Status.ENDED}


def test_the_plan_and_its_pdf_list_the_ban_in_force(login, handler) -> None:
    case = make_case(handler)
    _ban(handler, case, status="granted", valid_from=TODAY, valid_until=UNTIL)
    _ban(handler, case, status="refused")  # not in force: not listed
    plan_services.start_version(handler, case)
    client = login(handler)
    page = client.get(reverse("cases:plan_version", kwargs={"key": case.key, "number": 1}))
    section = page.text[page.text.index('id="plan-s3"') : page.text.index('id="plan-s4"')]
    assert "Kontaktförbud som gäller" in section and UNTIL.isoformat() in section
    bans = section[
        section.index("plan-bans") : section.index("</table>", section.index("plan-bans"))
    ]
    assert bans.count('<tr><th scope="row">') == 1
    assert "Pågående" in section  # the measure, active
    pdf = client.get(reverse("cases:plan_pdf", kwargs={"key": case.key, "number": 1})).content
    text = " ".join(" ".join(text_of(pdf)).split())
    assert "Kontaktförbud som gäller" in text
    assert UNTIL.isoformat() in text
