"""Factors and level judgements refer to their rating scale (``RatingScale.code``); the
stored ratings and levels are the codes of a scale's steps."""

import django.db.models.deletion
from django.db import migrations, models


def levels_scale(apps, schema_editor):
    Definition = apps.get_model("riskassessment", "SummaryJudgementDefinition")
    Definition.objects.filter(kind="level", scale__isnull=True).update(scale_id="levels")


class Migration(migrations.Migration):
    dependencies = [("riskassessment", "0006_rating_scales")]

    operations = [
        migrations.AlterField(
            model_name="factor",
            name="scale",
            field=models.ForeignKey(db_column="scale", default="ndj", limit_choices_to={"use": "factor"}, on_delete=django.db.models.deletion.PROTECT, related_name="factors", to="riskassessment.ratingscale", to_field="code", verbose_name="skala"),
        ),
        migrations.AddField(
            model_name="summaryjudgementdefinition",
            name="scale",
            field=models.ForeignKey(blank=True, help_text="Nivåerna att välja mellan (för typen låg / medel / hög). Tomt: låg / medel / hög.", limit_choices_to={"use": "judgement"}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="definitions", to="riskassessment.ratingscale", to_field="code", verbose_name="skala"),
        ),
        migrations.AlterField(
            model_name="factorrating",
            name="rating",
            field=models.CharField(blank=True, help_text="Koden för ett steg på skalan.", max_length=10, verbose_name="bedömning"),
        ),
        migrations.AlterField(
            model_name="summaryjudgement",
            name="level",
            field=models.CharField(blank=True, help_text="Koden för ett steg på skalan.", max_length=10, verbose_name="nivå"),
        ),
        migrations.RunPython(levels_scale, migrations.RunPython.noop),
    ]
