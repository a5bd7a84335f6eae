"""Index for the statistics' reassessments falling due in a period (issue 14): final
assessments by their next reassessment date (partial: drafts are never counted)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("riskassessment", "0004_issue11_threat_actors")]

    operations = [
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                fields=["next_reassessment_on"],
                name="assessment_reassessment_due",
                condition=models.Q(status="final"),
            ),
        ),
    ]
