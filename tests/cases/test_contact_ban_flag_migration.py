"""The backfill of the kontaktförbud flag (cases 0036_nat_contact_ban_flag), run on the real
schema: rows made through the services, the schema taken back to before the flag (the column
goes), then forward again – the flag is exactly "a ban row or a kontaktförbud measure, any
status" for every case, as the two subqueries the list used before said."""

from __future__ import annotations

import pytest

from cases.casework import services
from cases.models import MeasureKind, ProtectionCase
from tests.cases.helpers import latest_migrations, migrate_to, table_columns
from tests.cases.test_contact_ban_flag import add_ban, derived, flagged
from tests.factories import make_case

BEFORE = ("cases", "0035_nat_search_name_trigram")


@pytest.mark.django_db(transaction=True)
def test_the_backfill_sets_the_flag_from_the_rows(handler) -> None:
    kinds = {k.code: k for k in MeasureKind.objects.all()}
    refused = make_case(handler)
    add_ban(handler, refused, status="refused")
    follow_up = make_case(handler)
    measure = services.add_measure(handler, follow_up, kind=kinds["uppfoljning-kontaktforbud"])
    services.set_measure_status(handler, measure, "ended", expected_version=measure.version)
    alarm = make_case(handler)
    services.add_measure(handler, alarm, kind=kinds["skyddslarm"])
    make_case(handler)  # nothing at all
    cases = {refused.pk, follow_up.pk}
    assert flagged() == derived() == cases
    try:
        migrate_to([BEFORE])
        assert "has_contact_ban" not in table_columns("cases_protectioncase")
    finally:
        migrate_to(latest_migrations())
    assert "has_contact_ban" in table_columns("cases_protectioncase")
    assert flagged() == derived() == cases
    assert ProtectionCase.objects.filter(has_contact_ban=False).count() == 2
