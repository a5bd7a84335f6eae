"""The case's unit on each access-log row (issue 16): a nullable column, so adding it touches
no existing row (the log refuses UPDATE, and old rows keep their hashes), and its indexes,
built without locking the log against writes on PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
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
        ("accounts", "0002_admin_action_review"),
        ("cases", "0033_nat_lists_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="case_unit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="accesslogentry",
            index=models.Index(
                fields=["case_unit", "-at"],
                include=["user", "granted", "via", "case"],
                name="accesslog_unit_at",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="accesslogentry",
            index=models.Index(fields=["case_unit", "user"], name="accesslog_unit_user"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="accesslogentry",
            index=models.Index(
                fields=["-at"],
                condition=models.Q(case_unit__isnull=True, case__isnull=False),
                name="accesslog_no_unit_at",
            ),
        ),
    ]
