"""Issue 10, item 10 in the database: every free text users write has a length check
constraint (cases.textlimits), the same limit as its form, present in the migrated
database (PostgreSQL or SQLite alike); a text written past the forms – a queryset
``update()`` or raw SQL – is refused by the database itself."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from cases.formfields import SHORT_TEXT_LIMIT, TEXT_LIMIT
from cases.models import FollowUp, JournalEntry, PlanPart, ProtectiveMeasure, SecretDwelling
from cases.models.plan import PLAN_TEXT_LIMIT
from cases.plan import services as plan_services
from tests.factories import FollowUpFactory, MeasureFactory, make_case, make_disclosure

# Free text written by the system or by administrators in catalogues, not by users in a
# case: limited where it is written (or reference data), so no check is needed.
NOT_USER_TEXT = {
    "accounts.AdminAction.object_id",
    "accounts.AdminAction.change_message",
    "cases.AccessLogEntry.break_glass_reason",  # a copy of the limited reason; append-only
    "cases.SupportOrganisation.note",  # the support directory, kept by administrators
    "riskassessment.Instrument.description",  # instruments are data (migrations)
    "riskassessment.Factor.guidance",
    "alarms.DeviceKind.instructions",  # the device catalogue (migrations)
}
OUR_APPS = {"accounts", "cases", "riskassessment", "alarms", "notifications", "stats"}


def _limits(model: type[models.Model]) -> dict[str, int]:
    found = {}
    for constraint in model._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if isinstance(condition, LessThanOrEqual) and isinstance(condition.lhs, Length):
            found[condition.lhs.source_expressions[0].name] = condition.rhs
    return found


def _user_text_fields() -> list[tuple[type[models.Model], str]]:
    fields = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in OUR_APPS or meta.object_name.startswith("Historical"):
            continue
        for field in meta.concrete_fields:
            if isinstance(field, models.TextField) and (
                f"{meta.label}.{field.name}" not in NOT_USER_TEXT
            ):
                fields.append((model, field.name))
    return fields


def test_every_user_text_field_has_a_length_check() -> None:
    missing = [
        f"{model._meta.label}.{name}"
        for model, name in _user_text_fields()
        if name not in _limits(model)
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_length_check_is_in_the_migrated_database() -> None:
    absent = []
    with connection.cursor() as cursor:
        for model in {model for model, _name in _user_text_fields()}:
            in_db = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for constraint in model._meta.constraints:
                if constraint.name.endswith("_length") and constraint.name not in in_db:
                    absent.append(constraint.name)
    assert absent == []


def test_the_database_limits_are_the_forms_limits() -> None:
    from cases.casework.forms import CompleteFollowUpForm, FollowUpForm, MeasureForm
    from cases.forms import DwellingForm, JournalForm
    from cases.plan.forms import MAX_TEXT
    from cases.sharing.forms import BreakGlassForm, BreakGlassReviewForm
    from riskassessment.forms import AssessmentForm

    pairs = [
        (JournalForm.base_fields["text"], JournalEntry, "text"),
        (MeasureForm.base_fields["note"], ProtectiveMeasure, "note"),
        (MeasureForm.base_fields["statement_text"], ProtectiveMeasure, "statement_text"),
        (FollowUpForm.base_fields["note"], FollowUp, "note"),
        (CompleteFollowUpForm.base_fields["outcome"], FollowUp, "outcome"),
        (DwellingForm.base_fields["address"], SecretDwelling, "address"),
        (BreakGlassForm.base_fields["reason"], apps.get_model("cases.BreakGlassAccess"), "reason"),
        (
            BreakGlassReviewForm.base_fields["comment"],
            apps.get_model("cases.BreakGlassReview"),
            "comment",
        ),
        (AssessmentForm.base_fields["notes"], apps.get_model("riskassessment.Assessment"), "notes"),
    ]
    for form_field, model, name in pairs:
        assert form_field.max_length == _limits(model)[name], f"{model.__name__}.{name}"
    assert _limits(PlanPart)["text"] == MAX_TEXT == PLAN_TEXT_LIMIT
    assert _limits(apps.get_model("riskassessment.FactorRating"))["evidence"] == SHORT_TEXT_LIMIT


def _refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_a_too_long_text_written_past_the_forms_is_refused_by_the_database(
    handler, koping, social
) -> None:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[social])
    note = JournalEntry.objects.create(
        case=case, author=handler, kind="note", text="kort", occurred_on="2026-01-05"
    )
    measure = MeasureFactory(case=case, actor=handler)
    follow_up = FollowUpFactory(case=case, actor=handler)
    plan = plan_services.start_version(handler, case)
    plan_services.update_texts(
        social, plan, expected_version=plan.version, changes={"social_commitments": "del"}
    )
    part = PlanPart.objects.get(plan=plan)

    # Exactly at the limit is fine.
    JournalEntry.objects.filter(pk=note.pk).update(text="x" * TEXT_LIMIT)
    over = "x" * (TEXT_LIMIT + 1)
    assert _refused(lambda: JournalEntry.objects.filter(pk=note.pk).update(text=over))
    assert _refused(lambda: ProtectiveMeasure.objects.filter(pk=measure.pk).update(note=over))
    assert _refused(lambda: FollowUp.objects.filter(pk=follow_up.pk).update(outcome=over))
    assert _refused(
        lambda: PlanPart.objects.filter(pk=part.pk).update(text="x" * (PLAN_TEXT_LIMIT + 1))
    )

    def raw_update() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {FollowUp._meta.db_table} SET note = %s WHERE id = %s",
                [over, follow_up.pk],
            )

    assert _refused(raw_update)
    follow_up.refresh_from_db()
    note.refresh_from_db()
    assert follow_up.note != over and len(note.text) == TEXT_LIMIT
