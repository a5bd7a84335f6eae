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


def test_demo_gives_non_trivial_alarm_statistics() -> None:
    """The demo head's alarm figures over the last 130 days (a chosen period, so that the
    test does not depend on the day of the year)."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from cases import statsaccess
    from stats.periods import periods
    from stats.presentation import build_sections, show

    call_command("seed_demo", "--quiet")
    head = User.objects.get(email="chef@polis.example")
    scope = statsaccess.statistics_scope(head)
    assert scope is not None
    today = timezone.localdate()
    pair = periods("custom", today, today - timedelta(days=130), today)
    ctx, sections = build_sections(scope, tuple(scope.organisation_ids[:1]), pair, today)
    f = {
        t.key: {row.label: [c.text for c in row.cells][0::2] for row in show(t, ctx).rows}
        for s in sections
        for t in s.tables
    }
    loans, basis = f["alarms_loans"], f["alarms_basis"]
    assert loans["Lån som började under perioden"] == ["5"]
    assert loans["Pågående lån vid periodens slut"] == ["3"]
    assert loans["Lån med minst ett skarpt larm"] == ["20 %"]
    assert loans["Avslutade lån"] == ["2"]
    assert loans["Medianlängd för avslutade lån (dagar)"] == ["97,5"]
    assert loans["Översyner gjorda senast på utsatt dag"] == ["50 %"]
    assert basis["Utan strukturerad bedömning"][1] == "4"
    assert basis["Strukturerad bedömning"][1] == "1"
    assert f["alarms_devices"]["Utlånad"] == ["3"]
    assert f["alarms_devices"]["Förlorad"] == ["1"]
