"""Indexes of the case list (issue 16), built without locking the tables on PostgreSQL
(CREATE INDEX CONCURRENTLY, outside a transaction); a plain CREATE INDEX elsewhere (SQLite
for `make run`). No live code: the index operation is the
migrations' own (_concurrent_index.py)."""

from django.db import migrations, models

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


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
