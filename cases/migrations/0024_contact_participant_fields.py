"""Contact details belong to the case: phone and address on the participant (step 1 of 3)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0023_confirmation_per_organisation")]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="phone",
            field=models.CharField(blank=True, max_length=40, verbose_name="telefon"),
        ),
        migrations.AddField(
            model_name="participant",
            name="street_address",
            field=models.CharField(blank=True, max_length=200, verbose_name="gatuadress"),
        ),
        migrations.AddField(
            model_name="participant",
            name="postal_code",
            field=models.CharField(blank=True, max_length=10, verbose_name="postnummer"),
        ),
        migrations.AddField(
            model_name="participant",
            name="city",
            field=models.CharField(blank=True, max_length=100, verbose_name="ort"),
        ),
        migrations.AddField(
            model_name="participant",
            name="contact_version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]
