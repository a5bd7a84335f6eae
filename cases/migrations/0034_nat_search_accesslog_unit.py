"""The case's unit on each access-log row (issue 16): a nullable column, so adding it touches
no existing row (the log refuses UPDATE, and old rows keep their hashes), and its indexes,
built without locking the log against writes on PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


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
        AddIndexConcurrentlyWherePossible(
            model_name="accesslogentry",
            index=models.Index(
                fields=["case_unit", "-at"],
                include=["user", "granted", "via", "case"],
                name="accesslog_unit_at",
            ),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="accesslogentry",
            index=models.Index(fields=["case_unit", "user"], name="accesslog_unit_user"),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="accesslogentry",
            index=models.Index(
                fields=["-at"],
                condition=models.Q(case_unit__isnull=True, case__isnull=False),
                name="accesslog_no_unit_at",
            ),
        ),
    ]
