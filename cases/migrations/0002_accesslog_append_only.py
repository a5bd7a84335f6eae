"""On PostgreSQL the access log refuses UPDATE and DELETE in the database itself.

TRUNCATE is left alone: it is what test teardown (flush) uses, and no application code
path can issue it.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION cases_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'cases_accesslogentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_accesslog_no_update_delete
    BEFORE UPDATE OR DELETE ON cases_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION cases_accesslog_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS cases_accesslog_no_update_delete ON cases_accesslogentry;
DROP FUNCTION IF EXISTS cases_accesslog_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
