from __future__ import annotations

import pytest

from accounts import demo as accounts_demo
from accounts.models import User
from cases.models import ProtectionCase
from riskassessment import demo
from riskassessment.models import Assessment
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_seed_copes_with_no_cases() -> None:
    accounts_demo.seed()
    assert demo.seed() is False
    assert not Assessment.objects.exists()


def test_seed_gives_demo_cases_final_assessments_once() -> None:
    accounts_demo.seed()
    handler = User.objects.get(email="handlaggare@polis.example")
    first = make_case(handler)
    make_case(handler, category=ProtectionCase.Category.STALKING)
    make_case(handler, category=ProtectionCase.Category.WITNESS)
    assert demo.seed() is True
    assert Assessment.objects.filter(status=Assessment.Status.DRAFT).count() == 0
    assert set(Assessment.objects.values_list("instrument__code", flat=True)) == {
        "SARA_SV",
        "SAM",
        "CHECK10",
    }
    history = list(first.assessments.order_by("assessed_on"))
    assert len(history) == 2 and history[1].previous == history[0]
    count = Assessment.objects.count()
    assert demo.seed() is False
    assert Assessment.objects.count() == count
