"""Demo alarm equipment: about a dozen devices per unit in every state, seeded once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from alarms import hooks, services
from alarms.models import AlarmEvent, Device, Loan
from cases.models import ProtectionCase

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_each_unit_devices_in_every_state_and_loans() -> None:
    call_command("seed_demo", "--quiet")
    units = set(ProtectionCase.objects.values_list("unit_id", flat=True))
    assert len(units) == 2
    for unit in units:
        devices = Device.objects.filter(unit_id=unit)
        assert devices.count() == 12
        assert set(devices.values_list("status", flat=True)) == set(Device.Status.values)
        assert services.with_readiness(devices).filter(lendable=True).exists()
        assert services.devices_with_overdue_checks().filter(unit_id=unit).exists()
        active = Loan.objects.filter(device__unit_id=unit, ended_on__isnull=True)
        assert active.count() == 3
        assert active.filter(without_assessment=True).exists()
        assert services.loans_review_overdue().filter(device__unit_id=unit).exists()
        assert AlarmEvent.objects.filter(loan__device__unit_id=unit, kind="real").count() == 1
        case_ids = list(active.values_list("case_id", flat=True))
        assert all("Larm utlånat" in " ".join(f) for f in hooks.case_flags(case_ids).values())
    # Where the demo has a final assessment (riskassessment.demo), it is a loan's basis.
    assert Loan.objects.filter(ended_on__isnull=True, without_assessment=False).exists()
    before = Device.objects.count()
    call_command("seed_demo", "--quiet")
    assert Device.objects.count() == before
