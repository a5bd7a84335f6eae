"""Issue 10, item 6: the free-text notes of measures and follow-ups are police-internal
unless social services wrote them or the police author marked them "Delad med
socialtjänsten"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.casework import services
from cases.models import FollowUp, ProtectiveMeasure
from tests.cases.casework_support import TODAY, kind, url

pytestmark = pytest.mark.django_db

INTERNAL = "SNTLINTERNAL polisens egen bedömning"
SHARED = "SNTLSHARED får socialtjänsten läsa"


def _social_pages(client, case) -> str:
    return "".join(
        client.get(page).content.decode() for page in (url("detail", case), url("casework", case))
    )


def test_police_notes_are_internal_unless_marked_shared(login, handler, social, case) -> None:
    police = login(handler)
    form = police.get(url("measure_add", case)).content.decode()
    assert "Delad med socialtjänsten" in form
    for note, shared in ((INTERNAL, ""), (SHARED, "on")):
        response = police.post(
            url("measure_add", case),
            {
                "kind": kind("tillfalligt-skyddat-boende").pk,
                "responsible_party": "social",
                "status": "planned",
                "note": note,
                "note_shared": shared,
            },
        )
        assert response.status_code == 302
        response = police.post(
            url("followup_add", case),
            {
                "kind": "conversation",
                "due_date": (TODAY() + timedelta(days=3)).isoformat(),
                "responsible_party": "police",
                "assignee": handler.pk,
                "note": note,
                "note_shared": shared,
            },
        )
        assert response.status_code == 302
    assert ProtectiveMeasure.objects.filter(note_shared=True).count() == 1
    assert FollowUp.objects.filter(note_shared=True, note=SHARED).count() == 1
    seen = _social_pages(login(social), case)
    assert SHARED in seen and INTERNAL not in seen
    police_seen = _social_pages(police, case)
    assert SHARED in police_seen and INTERNAL in police_seen


def test_social_services_notes_are_theirs_to_read_and_they_choose_nothing(
    login, social, case
) -> None:
    client = login(social)
    form = client.get(url("measure_add", case)).content.decode()
    assert "Delad med socialtjänsten" not in form
    response = client.post(
        url("measure_add", case),
        {
            "kind": kind("tillfalligt-skyddat-boende").pk,
            "responsible_party": "social",
            "status": "planned",
            "note": "Vår egen anteckning",
            "note_shared": "",
        },
    )
    assert response.status_code == 302
    measure = ProtectiveMeasure.objects.get(case=case)
    assert measure.note_shared and measure.organisation_id is not None
    assert "Vår egen anteckning" in _social_pages(client, case)


def test_social_services_edit_a_police_measure_without_seeing_or_losing_its_note(
    login, handler, social, case
) -> None:
    measure = services.add_measure(
        handler,
        case,
        kind=kind("tillfalligt-skyddat-boende"),
        responsible_party="social",
        note=INTERNAL,
    )
    client = login(social)
    page = client.get(url("measure_edit", case, pk=measure.pk)).content.decode()
    assert INTERNAL not in page and 'name="note"' not in page
    response = client.post(
        url("measure_edit", case, pk=measure.pk),
        {
            "version": measure.version,
            "kind": measure.kind_id,
            "responsible_party": "social",
            "status": "active",
            "note": "försök att skriva över",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "active"
    assert measure.note == INTERNAL and not measure.note_shared
