"""Rating scales become data (``RatingScale`` with its ``ScaleStep`` rows): the scales the
shipped instruments use, loaded from the frozen copy below (never the live
riskassessment/instrument_data.py), so that an administrator can add an instrument with a
scale of its own."""

import django.db.models.deletion
from django.db import migrations, models

# Frozen: the scales as the factors (``Factor.scale`` "ndj"/"yes_no") and the summary
# judgements ("levels") of migrations 0002/0003 use them. Never edit; a change is a new
# migration.
SCALES = [
    {
        "code": "ndj",
        "name": "Nej / Delvis / Ja / Uppgift saknas",
        "use": "factor",
        "steps": [("N", "Nej", False), ("D", "Delvis", False), ("J", "Ja", False),
                  ("-", "Uppgift saknas", True)],
    },
    {
        "code": "yes_no",
        "name": "Ja / Nej / Uppgift saknas",
        "use": "factor",
        "steps": [("J", "Ja", False), ("N", "Nej", False), ("-", "Uppgift saknas", True)],
    },
    {
        "code": "levels",
        "name": "Låg / medel / hög",
        "use": "judgement",
        "steps": [("low", "Låg", False), ("medium", "Medel", False), ("high", "Hög", False)],
    },
]


def load(apps, schema_editor):
    RatingScale = apps.get_model("riskassessment", "RatingScale")
    ScaleStep = apps.get_model("riskassessment", "ScaleStep")
    for data in SCALES:
        scale, created = RatingScale.objects.get_or_create(
            code=data["code"], defaults={"name": data["name"], "use": data["use"]}
        )
        if not created:
            continue
        ScaleStep.objects.bulk_create(
            ScaleStep(scale=scale, code=code, label=label, order=order, omitted=omitted)
            for order, (code, label, omitted) in enumerate(data["steps"])
        )


class Migration(migrations.Migration):
    dependencies = [("riskassessment", "0005_statistics_indexes")]

    operations = [
        migrations.CreateModel(
            name="RatingScale",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="kod")),
                ("name", models.CharField(max_length=200, verbose_name="namn")),
                ("use", models.CharField(choices=[("factor", "Riskfaktorer"), ("judgement", "Sammanfattande bedömningar (nivåer)")], default="factor", max_length=10, verbose_name="används för")),
            ],
            options={
                "verbose_name": "bedömningsskala",
                "verbose_name_plural": "bedömningsskalor",
                "ordering": ["use", "name"],
            },
        ),
        migrations.CreateModel(
            name="ScaleStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(help_text="Det som sparas i bedömningen, t.ex. N, D eller J.", max_length=10, verbose_name="kod")),
                ("label", models.CharField(max_length=100, verbose_name="text")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="ordning")),
                ("omitted", models.BooleanField(default=False, help_text="Svaret en faktor som inte bedömts får när bedömningen slutförs (högst ett per skala).", verbose_name="uppgift saknas")),
                ("scale", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="steps", to="riskassessment.ratingscale")),
            ],
            options={
                "verbose_name": "steg på skalan",
                "verbose_name_plural": "steg på skalan",
                "ordering": ["scale", "order", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("scale", "code"), name="one_step_code_per_scale"),
                    models.UniqueConstraint(condition=models.Q(("omitted", True)), fields=("scale",), name="one_omitted_step_per_scale"),
                ],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
