"""The units' own reads of the log pages (rows without a case) get an index of their own
(issue 16): the access report's summary counts them as one part of a UNION ALL, and without
it PostgreSQL combined the period with the organisation index, i.e. every read of the unit.
Built concurrently on PostgreSQL, so the log stays writable."""

from django.db import migrations, models

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0038_start_page_indexes"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="accesslogentry",
            index=models.Index(
                fields=["organisation", "-at"],
                condition=models.Q(case__isnull=True),
                name="accesslog_log_reads_at",
            ),
        ),
    ]
