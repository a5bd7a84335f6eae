"""The case list's kontaktförbud filter reads a flag on the case (issue 16) instead of two
``IN`` subqueries over every ban and every measure: ``has_contact_ban`` is true when the case
has a kontaktförbud row or a measure of the kinds "kontaktforbud" or
"uppfoljning-kontaktforbud", in any status. Added false, then filled in one UPDATE from the
rows (frozen SQL: a migration imports no live code; PostgreSQL and SQLite alike). From here
on the case-work services keep it (cases.casework.services.bans)."""

from django.db import migrations, models

BACKFILL = """
UPDATE cases_protectioncase SET has_contact_ban = TRUE
WHERE id IN (SELECT case_id FROM cases_contactban)
   OR id IN (
       SELECT m.case_id FROM cases_protectivemeasure m
       JOIN cases_measurekind k ON k.id = m.kind_id
       WHERE k.code IN ('kontaktforbud', 'uppfoljning-kontaktforbud')
   )
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0035_nat_search_name_trigram")]

    operations = [
        migrations.AddField(
            model_name="protectioncase",
            name="has_contact_ban",
            field=models.BooleanField(default=False, editable=False),
        ),
        # Backwards the column goes (AddField reversed): nothing to undo here.
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
