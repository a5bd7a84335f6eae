"""The units' own reads of the log pages (rows without a case) get an index of their own
(issue 16): the access report's summary counts them as one part of a UNION ALL, and without
it PostgreSQL combined the period with the organisation index, i.e. every read of the unit.
Built concurrently on PostgreSQL, so the log stays writable."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; a plain index elsewhere (SQLite, make run)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0038_start_page_indexes"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="accesslogentry",
            index=models.Index(
                fields=["organisation", "-at"],
                condition=models.Q(case__isnull=True),
                name="accesslog_log_reads_at",
            ),
        ),
    ]
