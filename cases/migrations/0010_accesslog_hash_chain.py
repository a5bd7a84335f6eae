"""The access log becomes a hash chain, and SQLite refuses UPDATE and DELETE on it too.

Rows written before this migration are chained here, in id order (the migration runs as the
owner role, the only one that may disable the append-only trigger for that). The hash
function is frozen below; cases.models.accesslog must keep computing the same one.
"""

import hashlib
import json
from datetime import UTC

import django.utils.timezone
from django.db import migrations, models

GENESIS = "0" * 64

SQLITE_FORWARD = [
    """CREATE TRIGGER cases_accesslog_no_update BEFORE UPDATE ON cases_accesslogentry
       BEGIN SELECT RAISE(ABORT, 'cases_accesslogentry is append-only'); END""",
    """CREATE TRIGGER cases_accesslog_no_delete BEFORE DELETE ON cases_accesslogentry
       BEGIN SELECT RAISE(ABORT, 'cases_accesslogentry is append-only'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_accesslog_no_update",
    "DROP TRIGGER IF EXISTS cases_accesslog_no_delete",
]


def _hash(row, prev):
    fields = [
        row.user_id,
        row.organisation_id,
        row.case_id,
        row.case_reference,
        row.channel,
        row.what,
        bool(row.granted),
        row.via,
        row.break_glass_reason,
        row.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    ]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(prev.encode() + b"\n" + canonical).hexdigest()


def forward(apps, schema_editor):
    entry = apps.get_model("cases", "AccessLogEntry")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE cases_accesslogentry DISABLE TRIGGER cases_accesslog_no_update_delete"
        )
    prev = GENESIS
    for row in entry.objects.order_by("pk").iterator():
        digest = _hash(row, prev)
        entry.objects.filter(pk=row.pk).update(prev_hash=prev, row_hash=digest)
        prev = digest
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE cases_accesslogentry ENABLE TRIGGER cases_accesslog_no_update_delete"
        )
    if vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_plan")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
