"""An AddIndex built without locking the table on PostgreSQL (CREATE INDEX CONCURRENTLY,
outside a transaction: the migration sets ``atomic = False``) and a plain CREATE INDEX
elsewhere (SQLite for `make run`). Shared by the index migrations of issue 16 (0033 on).
Not a migration (Django's loader skips modules whose name starts with "_"); keep it
unchanged once used, like a migration."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


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
