"""Indexes of the case list (issue 16), built without locking the tables on PostgreSQL
(CREATE INDEX CONCURRENTLY, outside a transaction); a plain CREATE INDEX elsewhere (SQLite
for `make run`). Self-contained: a migration imports no live code."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyWherePossible(AddIndexConcurrently):
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
    dependencies = [("cases", "0032_sec10_text_length_limits")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="protectioncase",
            index=models.Index(
                fields=["unit", "opened_on", "number", "id", "restricted"], name="case_list"
            ),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="protectioncase",
            index=models.Index(
                fields=["unit", "status", "opened_on", "number", "id", "restricted"],
                name="case_list_status",
            ),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="protectioncase",
            index=models.Index(
                fields=["unit", "category", "opened_on", "number", "id", "restricted", "status"],
                name="case_list_category",
            ),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="protectivemeasure",
            index=models.Index(fields=["kind", "case"], name="measure_kind_case"),
        ),
    ]
