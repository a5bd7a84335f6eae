"""The partial index of the unreviewed break-the-glass openings (issue 16): the head's list
reads its older unreviewed openings, and the start page counts them, from the few rows with
``reviewed`` false, in order of granted_at. Built concurrently on PostgreSQL (see 0033);
then, on PostgreSQL, VACUUM (ANALYZE) of the openings: 0041's backfill rewrote nearly every
old one (stale visibility map, no statistics on the new column). No live code."""

from django.db import migrations, models

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


def vacuum_openings(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM (ANALYZE) cases_breakglassaccess")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0042_breakglass_reviewed_flag")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="breakglassaccess",
            index=models.Index(
                fields=["granted_at"],
                name="breakglass_unreviewed",
                condition=models.Q(reviewed=False),
            ),
        ),
        migrations.RunPython(vacuum_openings, migrations.RunPython.noop, elidable=True),
    ]
