"""Trigram indexes for the name search (issue 16): ``icontains`` is UPPER(name) LIKE '%x%',
which a GIN index over UPPER(name) with gin_trgm_ops answers without scanning the persons.
PostgreSQL only, built concurrently; on SQLite (make run) nothing happens and it scans."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; no index elsewhere (GIN is PostgreSQL's)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0034_nat_search_accesslog_unit"),
    ]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; PostgreSQL only
        AddIndexConcurrentlyOnPostgres(
            model_name="person",
            index=GinIndex(
                OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_trgm"
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="person",
            index=GinIndex(
                OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_trgm"
            ),
        ),
    ]
