"""Indexes for the statistics' date filters (issue 14): a unit's cases by opening date (also
the order of the case list), all units' cases by opening date, and closed cases by closing
date (partial: open cases have none)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_issue11_measure_follows_contact_ban")]

    operations = [
        migrations.AddIndex(
            model_name="protectioncase",
            index=models.Index(fields=["unit", "opened_on"], name="case_unit_opened"),
        ),
        migrations.AddIndex(
            model_name="protectioncase",
            index=models.Index(fields=["opened_on"], name="case_opened"),
        ),
        migrations.AddIndex(
            model_name="protectioncase",
            index=models.Index(
                fields=["closed_on"], name="case_closed", condition=models.Q(closed_on__isnull=False)
            ),
        ),
    ]
