"""Issue 10: the free text of a measure or follow-up – its note and a follow-up's outcome –
is police-internal unless social services wrote the row or the police shared it, and what
one recipient organisation wrote is never read by another recipient of the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.casework import services as casework
from cases.models import MeasureKind
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db

SCOPES = {"scope_measures": True, "scope_plan": True}


@pytest.fixture
def case(handler, koping, sala, social, social_other):
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social], **SCOPES)
    make_disclosure(case, sala, handlers=[social_other], **SCOPES)
    return case


def _kind():
    return MeasureKind.objects.filter(default_party="social").first() or MeasureKind.objects.first()


def _casework_page(client, case) -> str:
    response = client.get(reverse("cases:casework", kwargs={"key": case.key}))
    assert response.status_code == 200
    return response.content.decode()


def test_one_recipients_notes_and_outcomes_are_not_read_by_the_other(
    login, handler, social, social_other, case
) -> None:
    today = timezone.localdate()
    casework.add_measure(
        social_other, case, kind=_kind(), responsible_party="social", note="SNTLSALAMEASURE"
    )
    follow_up = casework.add_follow_up(
        social_other,
        case,
        kind="conversation",
        due_date=today,
        responsible_party="social",
        note="SNTLSALAFOLLOWUP",
    )
    casework.complete_follow_up(
        social_other,
        follow_up,
        expected_version=follow_up.version,
        done_on=today,
        outcome="SNTLSALAOUTCOME",
    )
    koping_page = _casework_page(login(social), case)
    sala_page = _casework_page(login(social_other), case)
    police_page = _casework_page(login(handler), case)
    for sentinel in ("SNTLSALAMEASURE", "SNTLSALAOUTCOME"):
        assert sentinel not in koping_page
        assert sentinel in sala_page and sentinel in police_page


def test_a_police_outcome_is_police_internal_unless_shared(login, handler, social, case) -> None:
    today = timezone.localdate()
    rows = {}
    for shared in (False, True):
        follow_up = casework.add_follow_up(
            handler,
            case,
            kind="conversation",
            due_date=today + timedelta(days=1),
            responsible_party="police",
            note=f"SNTLNOTE{shared}",
            note_shared=shared,
        )
        casework.complete_follow_up(
            handler,
            follow_up,
            expected_version=follow_up.version,
            done_on=today,
            outcome=f"SNTLOUTCOME{shared}",
        )
        rows[shared] = follow_up
    page = _casework_page(login(social), case)
    assert "SNTLOUTCOMEFalse" not in page
    assert "SNTLOUTCOMETrue" in page
    police_page = _casework_page(login(handler), case)
    assert "SNTLOUTCOMEFalse" in police_page and "SNTLOUTCOMETrue" in police_page
