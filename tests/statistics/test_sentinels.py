"""Sentinel strings in every person and free-text field of the data set appear on no
statistics page and in no CSV, for any persona that reaches them (heads, administrators).

Complements tests/test_sentinels.py, whose crawl already visits the statistics routes of the
permission matrix as the social-services personas."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import models
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from accounts.models import User
from alarms.models import AlarmEvent, Device, DeviceKind, Loan, LoanDecision, ReadinessCheck
from cases.models import (
    BreakGlassAccess,
    ContactBan,
    ContactBanBreach,
    Disclosure,
    FollowUp,
    JournalEntry,
    Participant,
    Person,
    ProtectionCase,
    ProtectionPlan,
    SupportInformation,
)
from riskassessment.models import Assessment
from tests.statistics import alarms_dataset, dataset

pytestmark = pytest.mark.django_db

PLANTED = [
    Person,
    ProtectionCase,
    Participant,
    FollowUp,
    ContactBan,
    ContactBanBreach,
    Disclosure,
    BreakGlassAccess,
    SupportInformation,
    Assessment,
    JournalEntry,
    ProtectionPlan,
    # Device data is police-internal: serials, IMEI, SIM numbers, notes, loan reasons, end
    # notes, alarm notes and the loan's copy of the case reference.
    Device,
    Loan,
    LoanDecision,
    AlarmEvent,
    ReadinessCheck,
    DeviceKind,
]
# Unique per row (serial per kind, kind code): the sentinel gets the row's id appended.
PER_ROW = {Device, DeviceKind}
SKIP = {"reference", "key", "personnummer_hmac", "email", "password"}


def _plant() -> list[str]:
    """Every non-choice text field of every row gets a sentinel; returns them."""
    planted = []
    for index, model in enumerate(PLANTED):
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            if field.choices or field.name in SKIP:
                continue
            value = f"SNTL{index:02d}{field.name[:3].upper()}"[: field.max_length or 40]
            if model in PER_ROW:
                row_value = Concat(
                    models.Value(value), Cast("pk", models.CharField()), output_field=field
                )
                model.objects.update(**{field.name: row_value})
            else:
                model.objects.update(**{field.name: value})
            planted.append(value)
    User.objects.update(full_name="SNTLUSERNAME")
    planted.append("SNTLUSERNAME")
    return planted


def test_no_sentinel_on_any_statistics_page_or_csv(
    unit_a, unit_b, koping, sala, handler, head, social, social_head, admin, login
) -> None:
    cases = dataset.build(unit_a, unit_b, koping, sala, handler, head, social).cases
    alarms_dataset.build(cases, unit_a, unit_b, handler)
    ReadinessCheck.objects.create(
        device=Device.objects.first(), performed_by=handler, performed_at=dataset.TODAY, passed=True
    )
    JournalEntry.objects.create(
        case=ProtectionCase.objects.first(), occurred_on="2026-03-03", text="x"
    )
    sentinels = _plant()
    assert len(sentinels) > 25
    assert Person.objects.filter(first_name__startswith="SNTL").exists()
    assert Device.objects.filter(serial__startswith="SNTL", notes__startswith="SNTL").count() > 5
    assert Loan.objects.filter(case_reference__startswith="SNTL").exists()
    assert LoanDecision.objects.filter(reason__startswith="SNTL").exists()
    assert AlarmEvent.objects.filter(note__startswith="SNTL").exists()
    checked = 0
    fetched: set[str] = set()
    with time_machine.travel(dataset.TODAY, tick=False):
        for user in (head, admin, social_head):
            client = login(user)
            for period in ("last_month", "this_year", "last_year"):
                page = client.get(reverse("statistics:page"), {"period": period})
                body = page.content.decode()
                # The user's own name is in the page header; the figures must not carry it.
                main = body.split('<main id="main"', 1)[1].split("</main>", 1)[0]
                texts = [main]
                for key in set(re.findall(r"/statistik/([a-z_]+)\.csv", body)):
                    fetched.add(key)
                    csv = client.get(
                        reverse("statistics:csv", kwargs={"table": key}), {"period": period}
                    )
                    assert csv.status_code == 200
                    texts.append(csv.content.decode("utf-8-sig"))
                    texts.append(csv["Content-Disposition"])
                for text in texts:
                    checked += 1
                    leaks = [s for s in sentinels if s in text]
                    assert not leaks, leaks
    assert checked > 50
    assert {"alarms_loans", "alarms_basis", "alarms_devices"} <= fetched
