"""A secret dwelling belongs to the case that registered it (see SecretDwelling.case)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_case(apps, schema_editor):
    SecretDwelling = apps.get_model("cases", "SecretDwelling")
    Participant = apps.get_model("cases", "Participant")
    for dwelling in SecretDwelling.objects.filter(case__isnull=True):
        first = (
            Participant.objects.filter(person_id=dwelling.person_id).order_by("created_at").first()
        )
        if first is None:
            dwelling.delete()
        else:
            dwelling.case_id = first.case_id
            dwelling.save(update_fields=["case"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_measure_catalogue")]

    operations = [
        migrations.AddField(
            model_name="secretdwelling",
            name="case",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="secret_dwellings",
                to="cases.protectioncase",
            ),
        ),
        migrations.RunPython(fill_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="secretdwelling",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="secret_dwellings",
                to="cases.protectioncase",
            ),
        ),
    ]
