"""The case's unit on each access-log row (issue 16): stored at write time on every path,
covered by the hash chain when set, and what the unit's report reads – rows written before
the column existed still verify and are still reported, through their case."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases import access
from cases.accesschain import verify_chain
from cases.models import AccessLogEntry, ProtectionCase
from cases.models.accesslog import GENESIS_HASH, LogRow, append_entries
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db
REPORT = reverse("cases:access_report")


def _legacy_row(user: User, case: ProtectionCase, what: str) -> AccessLogEntry:
    """A row as the log wrote it before migration 0029: no unit, hashed without one."""
    head = AccessLogEntry.objects.order_by("-pk").values_list("row_hash", flat=True).first()
    entry = AccessLogEntry(
        user=user,
        organisation_id=case.unit_id,
        case=case,
        case_reference=case.reference,
        channel=AccessLogEntry.Channel.DETAIL,
        what=what,
        granted=True,
        via="assigned",
        at=timezone.now(),
        prev_hash=head or GENESIS_HASH,
    )
    entry.row_hash = entry.expected_hash(entry.prev_hash)
    AccessLogEntry.objects.bulk_create([entry])  # bypasses save(), which would add the unit
    return entry


def _rewrite(sql: str, params: list[object]) -> None:
    """What only the owner can do: switch the append-only trigger off and change a row."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE cases_accesslogentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE cases_accesslogentry ENABLE TRIGGER USER")


def test_every_way_of_writing_the_log_stores_the_case_unit(login, handler, head) -> None:
    case = make_case(handler, protected=PersonFactory(last_name="Enhetsdotter"))
    login(handler).get(reverse("cases:detail", kwargs={"key": case.key}))
    login(handler).post(reverse("cases:search"), {"kind": "name", "namn-name": "Enhetsdotter"})
    with transaction.atomic():  # a caller that leaves the unit out gets it filled in
        append_entries([LogRow(handler.pk, None, case.pk, case.reference, "email", "e", True)])
    AccessLogEntry.objects.create(  # the case not loaded: save() looks its unit up
        user=handler, case_id=case.pk, channel="export", granted=True
    )
    login(head).get(REPORT)  # a log page read without a case: no case, no unit
    rows = list(AccessLogEntry.objects.order_by("pk").values_list("channel", "case_unit_id"))
    assert rows == [
        ("detail", case.unit_id),
        ("search", case.unit_id),
        ("email", case.unit_id),
        ("export", case.unit_id),
        ("log", None),
    ]
    assert verify_chain().intact


def test_rows_from_before_the_unit_was_stored_verify_and_are_reported(
    login, handler, head, colleague, other_police, unit_b
) -> None:
    case = make_case(handler)
    elsewhere = make_case(other_police, unit=unit_b)
    _legacy_row(colleague, case, "gammal läsning")
    _legacy_row(other_police, elsewhere, "annan enhets läsning")
    access.record_access(handler, case=case, channel="detail", granted=True, what="ny läsning")
    assert verify_chain().intact
    response = login(head).get(REPORT)
    html = response.content.decode()
    assert "gammal läsning" in html and "ny läsning" in html
    assert "annan enhets läsning" not in html
    assert colleague in set(response.context["form"].fields["user"].queryset)
    assert sum(row["reads"] for row in response.context["summary"]) == 2


def test_a_changed_or_added_unit_breaks_the_chain(handler, unit_b) -> None:
    case = make_case(handler)
    old = _legacy_row(handler, case, "gammal läsning")
    new = access.record_access(handler, case=case, channel="detail", granted=True)
    assert verify_chain().intact
    _rewrite("UPDATE cases_accesslogentry SET case_unit_id = %s WHERE id = %s", [unit_b.pk, new.pk])
    assert (verify_chain().broken_at, verify_chain().reason) == (new.pk, "changed")
    _rewrite("UPDATE cases_accesslogentry SET case_unit_id = NULL WHERE id = %s", [new.pk])
    assert verify_chain().broken_at == new.pk  # hidden from the unit's report: it shows
    _rewrite("UPDATE cases_accesslogentry SET case_unit_id = %s WHERE id = %s", [unit_b.pk, old.pk])
    assert (verify_chain().broken_at, verify_chain().reason) == (old.pk, "changed")


def test_a_purged_cases_reads_stay_in_the_units_report(login, handler, head) -> None:
    """The stored unit outlives the case (retention purges the case, never the log)."""
    case = make_case(handler)
    access.record_access(handler, case=case, channel="detail", granted=True, what="före gallring")
    reference = case.reference
    ProtectionCase.objects.filter(pk=case.pk).delete()
    html = login(head).get(REPORT).content.decode()
    assert "före gallring" in html and reference in html


def test_the_report_period_is_whole_local_days(login, handler, head) -> None:
    case = make_case(handler)
    tz = timezone.get_current_timezone()
    day = timezone.localdate() - timedelta(days=3)
    for hour, minute, what in ((0, 0, "första minuten"), (23, 59, "sista minuten")):
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        with time_machine.travel(at, tick=False):
            access.record_access(handler, case=case, channel="detail", granted=True, what=what)
    after = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(days=1)
    with time_machine.travel(after, tick=False):
        access.record_access(handler, case=case, channel="detail", granted=True, what="dagen efter")
    response = login(head).get(REPORT, {"date_from": day.isoformat(), "date_to": day.isoformat()})
    html = response.content.decode()
    assert "första minuten" in html and "sista minuten" in html and "dagen efter" not in html
    assert response.context["page"].paginator.count == 2


def test_the_report_counts_denied_rows_and_pages_them(login, handler, head, other_police) -> None:
    case = make_case(handler)
    for i in range(60):
        access.record_access(handler, case=case, channel="detail", granted=True, what=f"r{i}")
    for _ in range(3):
        access.record_access(other_police, case=case, channel="detail", granted=False)
    response = login(head).get(REPORT)
    rows = AccessLogEntry.objects.filter(case_id=case.pk).count()
    assert response.context["page"].paginator.count == rows == 63
    assert response.context["page"].paginator.num_pages == 2
