"""Partial indexes for the reminder rules that the start page and the nightly digest run
(issue 16): open follow-ups by due date and by case, and the active police→social
disclosures by end date. Built concurrently on PostgreSQL (see 0033); self-contained."""

from django.db import migrations, models
from django.db.models import Q

from cases.migrations._concurrent_index import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0037_nat_contact_ban_index")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="disclosure",
            index=models.Index(
                condition=Q(direction="to_social", withdrawn_at__isnull=True),
                fields=["valid_until"],
                name="disclosure_to_social_until",
            ),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="followup",
            index=models.Index(
                fields=["due_date"],
                include=["case", "assignee", "id"],
                condition=Q(done_on__isnull=True),
                name="followup_open_due",
            ),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="followup",
            index=models.Index(
                condition=Q(done_on__isnull=True), fields=["case"], name="followup_open_case"
            ),
        ),
    ]
