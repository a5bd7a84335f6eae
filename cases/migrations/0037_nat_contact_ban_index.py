"""The partial index of the case list's kontaktförbud filter (issue 16): the ~20 % of cases
with ``has_contact_ban``, in list order per unit, with id and restricted as trailing columns
so that the page's ids come from the index alone – as the other list indexes (0033). Built
concurrently on PostgreSQL (outside a transaction); a plain CREATE INDEX elsewhere (SQLite for
`make run`). Then, on PostgreSQL, VACUUM (ANALYZE) of the cases: 0036's backfill rewrote
about a fifth of them, which clears the visibility map of nearly every page (index-only
scans of every list index fetch the heap again until autovacuum comes) and leaves the planner
without statistics on the new column. No live code: the index operation is the
migrations' own (_concurrent_index.py)."""

from django.db import migrations, models

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


def vacuum_cases(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM (ANALYZE) cases_protectioncase")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0036_nat_contact_ban_flag")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="protectioncase",
            index=models.Index(
                fields=["unit", "opened_on", "number", "id", "restricted"],
                name="case_list_contact_ban",
                condition=models.Q(has_contact_ban=True),
            ),
        ),
        migrations.RunPython(vacuum_cases, migrations.RunPython.noop, elidable=True),
    ]
