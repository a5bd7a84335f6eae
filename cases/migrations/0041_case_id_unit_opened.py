"""The statistics' risk figures (issue 16) merge the cases with their assessments in case
order: an index on (id, unit, opened_on) gives every case's unit and opening date in id order
without visiting the table (trailing columns rather than INCLUDE, as the list indexes: SQLite
too). Built concurrently on PostgreSQL (see 0033); then, on PostgreSQL, VACUUM (ANALYZE) of
the cases so that the visibility map lets the scan skip the table (autovacuum would, later) and
the planner knows the new index. No live code."""

from django.db import migrations, models

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


def vacuum_cases(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM (ANALYZE) cases_protectioncase")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0040_breakglass_time_indexes")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="protectioncase",
            index=models.Index(fields=["id", "unit", "opened_on"], name="case_id_unit_opened"),
        ),
        migrations.RunPython(vacuum_cases, migrations.RunPython.noop, elidable=True),
    ]
