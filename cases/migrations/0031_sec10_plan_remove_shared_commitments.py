"""Each recipient organisation writes its own part of the plan (issue 10), step 3 of 3: the
shared "Socialtjänsten åtar sig att" column goes (its text is in the parts, step 2)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0030_sec10_plan_part_copy")]

    operations = [migrations.RemoveField(model_name="protectionplan", name="social_commitments")]
