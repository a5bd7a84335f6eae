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
        ('cases', '0031_sec10_plan_remove_shared_commitments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddLengthCheck(
            model_name='breakglassaccess',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('reason'), 2000), name='breakglass_reason_length'),
        ),
        AddLengthCheck(
            model_name='breakglassreview',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('comment'), 1000), name='breakglass_review_comment_length'),
        ),
        AddLengthCheck(
            model_name='caseclosure',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('final_note'), 5000), name='closure_final_note_length'),
        ),
        AddLengthCheck(
            model_name='caseclosure',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('reopen_reason'), 5000), name='closure_reopen_reason_length'),
        ),
        AddLengthCheck(
            model_name='caseclosure',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('closing_note'), 5000), name='closure_closing_note_length'),
        ),
        AddLengthCheck(
            model_name='contactban',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('note'), 5000), name='contact_ban_note_length'),
        ),
        AddLengthCheck(
            model_name='contactbanbreach',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('description'), 5000), name='breach_description_length'),
        ),
        AddLengthCheck(
            model_name='followup',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('note'), 5000), name='followup_note_length'),
        ),
        AddLengthCheck(
            model_name='followup',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('outcome'), 5000), name='followup_outcome_length'),
        ),
        AddLengthCheck(
            model_name='journalentry',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text'), 5000), name='journal_text_length'),
        ),
        AddLengthCheck(
            model_name='legalhold',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('reason'), 5000), name='legal_hold_reason_length'),
        ),
        AddLengthCheck(
            model_name='planpart',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text'), 10000), name='plan_part_text_length'),
        ),
        AddLengthCheck(
            model_name='protectioncase',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('threat_picture'), 5000), name='case_threat_picture_length'),
        ),
        AddLengthCheck(
            model_name='protectionplan',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('introduction'), 10000), name='plan_introduction_length'),
        ),
        AddLengthCheck(
            model_name='protectionplan',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('threat_text'), 10000), name='plan_threat_text_length'),
        ),
        AddLengthCheck(
            model_name='protectionplan',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('measures_text'), 10000), name='plan_measures_text_length'),
        ),
        AddLengthCheck(
            model_name='protectionplan',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('police_commitments'), 10000), name='plan_police_commitments_length'),
        ),
        AddLengthCheck(
            model_name='protectionplan',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('follow_up_text'), 10000), name='plan_follow_up_text_length'),
        ),
        AddLengthCheck(
            model_name='protectivemeasure',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('note'), 5000), name='measure_note_length'),
        ),
        AddLengthCheck(
            model_name='protectivemeasure',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('statement_text'), 5000), name='measure_statement_text_length'),
        ),
        AddLengthCheck(
            model_name='secretdwelling',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('address'), 1000), name='dwelling_address_length'),
        ),
    ]
