"""The index behind the access report's cases read per person (issue 16): (unit, user, -at)
covering the case and the outcome, so that the summary counts the distinct cases of its page
of people from a few index ranges, not from a second aggregate over the unit's whole period.
Built concurrently on PostgreSQL (see 0033); self-contained."""

from django.db import migrations, models

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0043_breakglass_unreviewed_index")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="accesslogentry",
            index=models.Index(
                fields=["case_unit", "user", "-at"],
                include=["case", "granted"],
                name="accesslog_unit_user_at",
            ),
        ),
    ]
