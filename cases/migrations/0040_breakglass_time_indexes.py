"""The head's break-the-glass list (issue 16) reads the recent openings by granted_at and the
active ones by expires_at, one bitmap index scan each, instead of every opening of the
country. Built concurrently on PostgreSQL (see 0033); self-contained."""

from django.db import migrations, models

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0039_nat_report_log_reads_index")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="breakglassaccess",
            index=models.Index(fields=["granted_at"], name="breakglass_granted_at"),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="breakglassaccess",
            index=models.Index(fields=["expires_at"], name="breakglass_expires_at"),
        ),
    ]
