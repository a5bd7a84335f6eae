"""Issue 10: a length limit in the database on every free text users write, the same as the
forms' (cases.textlimits). A text written past the forms (a script, an ``update()``, raw
SQL) is refused by the database."""

import sys

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


class AddLengthCheck(migrations.AddConstraint):
    """AddConstraint that never fails on the rows already there (frozen here: no live code).

    The forms have held these limits since issue 10, but a row written before them may be
    longer. Without such rows the constraint is added and checked as usual. With them, their
    number (never their content) is printed, and on PostgreSQL the constraint is added
    NOT VALID: every new or changed row is checked, the old rows stay readable, and an edit
    of one asks for a shorter text (the form's limit is the same). SQLite cannot add a
    constraint without copying every row through it, so there it is left out for such a
    table (the report says so); run ``migrate`` again after shortening the rows."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        model = to_state.apps.get_model(app_label, self.model_name)
        alias = schema_editor.connection.alias
        if not self.allow_migrate_model(alias, model):
            return
        too_long = model._default_manager.using(alias).exclude(self.constraint.condition).count()
        if not too_long:
            schema_editor.add_constraint(model, self.constraint)
            return
        added = schema_editor.connection.vendor == "postgresql"
        if added:
            schema_editor.execute(f"{self.constraint.create_sql(model, schema_editor)} NOT VALID")
        sys.stderr.write(
            f"  {model._meta.db_table}: {too_long} rader är längre än {self.constraint.name} "
            f"tillåter – {'kontrolleras vid nästa ändring' if added else 'begränsningen saknas'}\n"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_admin_action_review'),
        ('cases', '0032_sec10_text_length_limits'),
        ('riskassessment', '0007_scale_references'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddLengthCheck(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('notes'), 5000), name='assessment_notes_length'),
        ),
        AddLengthCheck(
            model_name='factorrating',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('evidence'), 1000), name='rating_evidence_length'),
        ),
        AddLengthCheck(
            model_name='summaryjudgement',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text'), 5000), name='judgement_text_length'),
        ),
    ]
