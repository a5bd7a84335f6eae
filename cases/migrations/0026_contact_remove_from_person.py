"""Contact details belong to the case (step 3 of 3): the person keeps identity and protection
level only. The history model never held these fields (they were excluded as protected)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_contact_copy_to_participants")]

    operations = [
        migrations.RemoveField(model_name="person", name="phone"),
        migrations.RemoveField(model_name="person", name="street_address"),
        migrations.RemoveField(model_name="person", name="postal_code"),
        migrations.RemoveField(model_name="person", name="city"),
    ]
