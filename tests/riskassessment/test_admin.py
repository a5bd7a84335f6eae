"""Instruments are data: an administrator adds one (FREDA here) without code, and it works
end to end; an instrument in use cannot be changed in a way that rewrites history."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from riskassessment import services
from riskassessment.models import Assessment, Factor, Instrument, InstrumentPart, RatingScale
from tests.factories import make_case, make_disclosure
from tests.riskassessment.helpers import confirm_finalise, final_assessment, form_post, sara

pytestmark = pytest.mark.django_db


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def _add_freda_through_the_admin(client) -> Instrument:
    response = client.post(
        reverse("admin:riskassessment_instrument_add"),
        {
            "code": "FREDA",
            "name": "FREDA-farlighetsbedömning",
            "version": "1",
            "description": "Socialstyrelsens bedömningsmetod (inlagd av administratör).",
            "time_frames": ["single"],
            "active": "on",
            **_management("parts", 1),
            "parts-0-code": "F",
            "parts-0-label": "Farlighetsbedömning",
            "parts-0-order": 0,
            **_management("summary_definitions", 2),
            "summary_definitions-0-code": "danger",
            "summary_definitions-0-label": "Samlad farlighetsbedömning",
            "summary_definitions-0-kind": "level",
            "summary_definitions-0-required": "on",
            "summary_definitions-0-order": 0,
            "summary_definitions-1-code": "description",
            "summary_definitions-1-label": "Beskrivning",
            "summary_definitions-1-kind": "text",
            "summary_definitions-1-order": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    instrument = Instrument.objects.get(code="FREDA")
    part = instrument.parts.get()
    response = client.post(
        reverse("admin:riskassessment_instrumentpart_change", args=[part.pk]),
        {
            "instrument": instrument.pk,
            "code": "F",
            "label": "Farlighetsbedömning",
            "order": 0,
            **_management("factors", 2),
            "factors-0-code": "1",
            "factors-0-label": "Har våldet ökat i frekvens eller grovhet?",
            "factors-0-order": 0,
            "factors-0-scale": "yes_no",
            "factors-0-ticks": "",
            "factors-0-guidance": "Organisationens egen vägledning.",
            "factors-0-verified": "on",
            "factors-1-code": "2",
            "factors-1-label": "Har hot om dödligt våld förekommit?",
            "factors-1-order": 1,
            "factors-1-scale": "yes_no",
            "factors-1-ticks": "mot den utsatta, mot barnen",
            "factors-1-guidance": "",
            "factors-1-verified": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return instrument


def test_admin_lists_and_opens_the_shipped_instruments(login, admin):
    client = login(admin)
    listing = client.get(reverse("admin:riskassessment_instrument_changelist"))
    assert listing.status_code == 200 and "SARA:SV" in listing.content.decode()
    page = client.get(reverse("admin:riskassessment_instrument_change", args=[sara().pk]))
    assert page.status_code == 200
    part = sara().parts.first()
    assert (
        client.get(
            reverse("admin:riskassessment_instrumentpart_change", args=[part.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("admin:riskassessment_factor_changelist")).status_code == 200


def test_an_instrument_added_in_the_admin_works_end_to_end(login, admin, handler, social, koping):
    instrument = _add_freda_through_the_admin(login(admin))
    assert instrument.time_frames == ["single"]
    factors = list(Factor.objects.filter(part__instrument=instrument).order_by("order"))
    assert [f.scale_id for f in factors] == ["yes_no", "yes_no"]
    assert factors[1].ticks == ["mot den utsatta", "mot barnen"]

    # Social services record a FREDA on a case shared with them, through the pages.
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    client = login(social)
    start = reverse("riskassessment:start", kwargs={"key": case.key})
    assert "FREDA-farlighetsbedömning" in client.get(start).content.decode()
    client.post(start, {"instrument": instrument.pk})
    assessment = Assessment.objects.get(case=case, instrument=instrument)
    edit = reverse("riskassessment:edit", kwargs={"key": case.key, "pk": assessment.pk})
    page = client.get(edit).content.decode()
    assert "Har våldet ökat i frekvens eller grovhet?" in page
    assert "Organisationens egen vägledning." in page
    assert 'value="D"' not in page  # yes/no scale: no "delvis"
    data = form_post(assessment, rating="J", level="high", finalise="1")
    data[f"t_{factors[1].pk}"] = ["mot barnen"]
    response = client.post(edit, data)
    assert response.status_code == 302
    assert confirm_finalise(client, assessment).status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_final and assessment.organisation == koping
    assert assessment.ratings.filter(rating="J").count() == 2
    assert assessment.ratings.get(factor=factors[1]).ticks == ["mot barnen"]
    assert assessment.judgements.get(definition__code="danger").level == "high"


def test_time_frames_cannot_mix_single_with_current(login, admin):
    response = login(admin).post(
        reverse("admin:riskassessment_instrument_add"),
        {
            "code": "X",
            "name": "X",
            "version": "1",
            "time_frames": ["single", "current"],
            **_management("parts", 0),
            **_management("summary_definitions", 0),
        },
    )
    assert response.status_code == 200
    assert "kan inte kombineras" in response.content.decode()


def test_an_instrument_in_use_is_read_only_and_its_factors_cannot_be_deleted(login, admin, handler):
    final_assessment(handler, make_case(handler))
    instrument = sara()
    factor = Factor.objects.filter(part__instrument=instrument).first()
    with pytest.raises(ProtectedError):
        factor.delete()
    with pytest.raises(ProtectedError):
        InstrumentPart.objects.filter(instrument=instrument).first().delete()

    client = login(admin)
    page = client.get(reverse("admin:riskassessment_instrument_change", args=[instrument.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="code"' not in html and 'name="name"' not in html
    assert 'name="parts-0-label"' not in html  # parts read-only
    part_page = client.get(
        reverse("admin:riskassessment_instrumentpart_change", args=[factor.part_id])
    ).content.decode()
    assert 'name="factors-0-label"' not in part_page
    assert 'name="factors-0-guidance"' in part_page  # guidance stays editable
    assert (
        client.post(reverse("admin:riskassessment_factor_delete", args=[factor.pk])).status_code
        == 403
    )
    assert Factor.objects.filter(pk=factor.pk).exists()


def test_an_unused_instrument_can_still_be_edited(login, admin):
    client = login(admin)
    page = client.get(reverse("admin:riskassessment_instrument_change", args=[sara().pk]))
    assert 'name="code"' in page.content.decode()


def test_copy_as_new_version_action(login, admin, handler):
    final_assessment(handler, make_case(handler))
    response = login(admin).post(
        reverse("admin:riskassessment_instrument_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [sara().pk]},
    )
    assert response.status_code == 302
    copy = Instrument.objects.get(code="SARA_SV", version="2")
    assert not copy.active
    assert Factor.objects.filter(part__instrument=copy).count() == 15
    assert copy.summary_definitions.count() == 3


def _add_scale_through_the_admin(client) -> RatingScale:
    response = client.post(
        reverse("admin:riskassessment_ratingscale_add"),
        {
            "code": "freda_kort",
            "name": "Ja / Nej / Vet ej",
            "use": "factor",
            **_management("steps", 3),
            "steps-0-code": "J",
            "steps-0-label": "Ja",
            "steps-0-order": 0,
            "steps-1-code": "N",
            "steps-1-label": "Nej",
            "steps-1-order": 1,
            "steps-2-code": "?",
            "steps-2-label": "Vet ej",
            "steps-2-order": 2,
            "steps-2-omitted": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return RatingScale.objects.get(code="freda_kort")


def test_an_instrument_with_a_scale_of_its_own_added_in_the_admin(login, admin, handler):
    client = login(admin)
    scale = _add_scale_through_the_admin(client)
    assert [(s.code, s.label, s.omitted) for s in scale.steps.all()] == [
        ("J", "Ja", False),
        ("N", "Nej", False),
        ("?", "Vet ej", True),
    ]
    instrument = _add_freda_through_the_admin(client)
    Factor.objects.filter(part__instrument=instrument).update(scale=scale)
    level = instrument.summary_definitions.get(code="danger")
    assert level.scale_id == "levels"  # left empty in the admin: låg / medel / hög

    case = make_case(handler)
    assessment, _ = services.start_assessment(handler, case, instrument=instrument)
    edit = reverse("riskassessment:edit", kwargs={"key": case.key, "pk": assessment.pk})
    police = login(handler)
    page = police.get(edit).content.decode()
    assert "Vet ej" in page and 'value="?"' in page and 'value="D"' not in page
    # A code of another scale is refused by the form (read from the database).
    data = form_post(assessment, rating="D", level="high")
    assert police.post(edit, data).status_code == 200
    assert not assessment.ratings.exclude(rating="").exists()
    # Finalising gives an unrated factor this scale's own "uppgift saknas" step.
    data = form_post(assessment, rating="", level="high", finalise="1")
    assert police.post(edit, data).status_code == 302
    assert confirm_finalise(police, assessment).status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_final
    assert set(assessment.ratings.values_list("rating", flat=True)) == {"?"}
    table = services.factor_table(assessment)
    assert {r[2] for _part, lines in table.parts for line in lines for r in line.ratings} == {
        "Vet ej"
    }


def test_a_scale_needs_steps_with_distinct_codes_and_one_omitted_step_at_most(login, admin):
    client = login(admin)
    base = {"code": "x", "name": "X", "use": "factor"}
    empty = client.post(
        reverse("admin:riskassessment_ratingscale_add"), {**base, **_management("steps", 0)}
    )
    assert "minst ett steg" in empty.content.decode()
    twice = client.post(
        reverse("admin:riskassessment_ratingscale_add"),
        {
            **base,
            **_management("steps", 2),
            "steps-0-code": "A",
            "steps-0-label": "A",
            "steps-0-order": 0,
            "steps-0-omitted": "on",
            "steps-1-code": "B",
            "steps-1-label": "B",
            "steps-1-order": 1,
            "steps-1-omitted": "on",
        },
    )
    assert "Högst ett steg" in twice.content.decode()
    assert not RatingScale.objects.filter(code="x").exists()


def test_a_scale_in_use_keeps_its_steps(login, admin, handler):
    final_assessment(handler, make_case(handler))
    ndj = RatingScale.objects.get(code="ndj")
    page = login(admin).get(reverse("admin:riskassessment_ratingscale_change", args=[ndj.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Delvis" in html
    assert 'name="steps-0-code"' not in html and 'name="code"' not in html
    with pytest.raises(ProtectedError):
        ndj.delete()
