"""Each recipient organisation writes its own part of the plan (issue 10), step 1 of 3: the
part rows. Step 2 copies the shared text into them, step 3 removes the shared column."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_admin_action_review'),
        ('cases', '0028_support_may_contact'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PlanPart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(blank=True, verbose_name='Socialtjänsten åtar sig att')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='organisation')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='cases.protectionplan')),
                ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'mottagarens del av skyddsplan',
                'verbose_name_plural': 'mottagarnas delar av skyddsplaner',
                'ordering': ['plan', 'organisation__name', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('plan', 'organisation'), name='one_part_per_recipient')],
            },
        ),
    ]
