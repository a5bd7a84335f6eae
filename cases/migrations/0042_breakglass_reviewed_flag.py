"""The head's break-the-glass list finds the unreviewed openings by a flag on the opening
(issue 16) instead of an anti-join of every opening with every review: ``reviewed`` is true
when the opening has a ``BreakGlassReview``. Added false, then filled in one UPDATE from the
reviews (frozen SQL: a migration imports no live code; PostgreSQL and SQLite alike). From
here on the review's writer keeps it (cases.breakglass.review)."""

from django.db import migrations, models

BACKFILL = """
UPDATE cases_breakglassaccess SET reviewed = TRUE
WHERE id IN (SELECT grant_id FROM cases_breakglassreview)
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0041_case_id_unit_opened")]

    operations = [
        migrations.AddField(
            model_name="breakglassaccess",
            name="reviewed",
            field=models.BooleanField(
                db_default=False, default=False, editable=False, verbose_name="granskad"
            ),
        ),
        # Backwards the column goes (AddField reversed): nothing to undo here.
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
