"""Reference data of case work in the admin, the support directory example data, demo data."""

from __future__ import annotations

import pytest

from cases.casework import demo
from cases.models import (
    ContactBan,
    FollowUp,
    ProtectiveMeasure,
    RetentionPolicy,
    SupportInformation,
    SupportOrganisation,
)
from skydd.management.commands.seed_demo import DEMO_MODULES
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_admin_manages_catalogue_directory_and_retention(login, admin) -> None:
    client = login(admin)
    for path in (
        "/admin/cases/measurekind/",
        "/admin/cases/supportorganisation/",
        "/admin/cases/supportorganisation/add/",
        "/admin/cases/retentionpolicy/",
    ):
        assert client.get(path).status_code == 200, path
    policy = RetentionPolicy.objects.get(organisation_kind="police")
    response = client.post(
        f"/admin/cases/retentionpolicy/{policy.pk}/change/",
        {"organisation_kind": "police", "retention_days": 3650},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.retention_days == 3650
    # Only real organisation kinds can be chosen: a typo would silently stop the purge.
    response = client.post(
        f"/admin/cases/retentionpolicy/{policy.pk}/change/",
        {"organisation_kind": "Polis", "retention_days": 10},
    )
    assert response.status_code == 200


def test_handlers_do_not_reach_the_directory_admin(login, handler) -> None:
    response = login(handler).get("/admin/cases/supportorganisation/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_seed_003_table_and_national_lines_are_loaded() -> None:
    koping = SupportOrganisation.objects.filter(municipality_code="1983")
    assert {org.kind for org in koping} == {"A", "B", "C", "D", "H"}
    assert koping.get(kind="A").phone == "0221-20091"
    assert koping.get(kind="D").phone == "0221-25000"
    assert SupportOrganisation.objects.filter(municipality_code__in=["1981"]).count() == 4
    line = SupportOrganisation.objects.get(name="Kvinnofridslinjen")
    assert line.national and line.phone == "020-50 50 50"
    assert SupportOrganisation.objects.filter(
        kind="violence_users", name__startswith="Kriscentrum för män"
    ).exists()


def test_demo_case_work_attaches_to_existing_cases_once(handler) -> None:
    assert DEMO_MODULES.index("cases.casework.demo") == DEMO_MODULES.index("cases.demo") + 1
    assert demo.seed() is False  # no cases yet: nothing to do
    cases = [make_case(handler) for _ in range(4)]
    assert demo.seed() is True
    assert demo.seed() is False
    assert ProtectiveMeasure.objects.filter(case__in=cases).count() >= 12
    assert ContactBan.objects.count() == 2
    assert FollowUp.objects.filter(done_on__isnull=True).count() == 3  # one case left without
    assert SupportInformation.objects.filter(is_referral=True).count() == 4
    assert all("(demo)" in m.note for m in ProtectiveMeasure.objects.all())
