"""One person per personnummer (issue 11): the keyed hash is unique."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_issue11_merge_duplicate_persons"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("personnummer_hmac", ""), _negated=True),
                fields=("personnummer_hmac",),
                name="one_person_per_personnummer",
            ),
        ),
    ]
