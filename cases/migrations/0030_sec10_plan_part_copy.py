"""Each recipient organisation writes its own part of the plan (issue 10), step 2 of 3: the
one "Socialtjänsten åtar sig att" text that all recipients of a plan version shared is
copied into a part of each recipient organisation of that version – those that received
the case with the plan in scope (at any time: an agreed version was written by them) and
those that confirmed the version. Every one of them could already read and change the
shared text, so the copy discloses nothing new; from now on each changes only its own.

A version whose text no recipient organisation can be found for keeps it in the police's
view only (a part of no one cannot exist), so the text is never lost: it is appended to
the police's commitments under a marked heading. Frozen: no live code is imported.
Reversing copies each version's first part back."""

from typing import Any

from django.db import migrations

ORPHAN_HEADING = "Socialtjänsten åtar sig att (tidigare gemensam text):"


def copy_to_parts(apps: Any, schema_editor: Any) -> None:
    ProtectionPlan = apps.get_model("cases", "ProtectionPlan")
    PlanPart = apps.get_model("cases", "PlanPart")
    Disclosure = apps.get_model("cases", "Disclosure")
    PlanConfirmation = apps.get_model("cases", "PlanConfirmation")
    plans = ProtectionPlan.objects.exclude(social_commitments="").only(
        "pk", "case_id", "social_commitments", "police_commitments", "updated_by_id"
    )
    for plan in plans.iterator():
        recipients = set(
            Disclosure.objects.filter(
                case_id=plan.case_id, direction="to_social", scope_plan=True
            ).values_list("recipient_id", flat=True)
        ) | set(
            PlanConfirmation.objects.filter(plan_id=plan.pk, party="social").values_list(
                "organisation_id", flat=True
            )
        )
        if recipients:
            PlanPart.objects.bulk_create(
                PlanPart(
                    plan_id=plan.pk,
                    organisation_id=org_id,
                    text=plan.social_commitments,
                    updated_by_id=plan.updated_by_id,
                )
                for org_id in sorted(recipients)
            )
        else:
            # Queryset update: the frozen-version guard of the live model is not involved.
            joined = "\n\n".join(
                text
                for text in (plan.police_commitments, ORPHAN_HEADING, plan.social_commitments)
                if text
            )
            ProtectionPlan.objects.filter(pk=plan.pk).update(police_commitments=joined)


def copy_back(apps: Any, schema_editor: Any) -> None:
    ProtectionPlan = apps.get_model("cases", "ProtectionPlan")
    PlanPart = apps.get_model("cases", "PlanPart")
    for part in PlanPart.objects.order_by("plan_id", "organisation_id", "pk").iterator():
        ProtectionPlan.objects.filter(pk=part.plan_id, social_commitments="").update(
            social_commitments=part.text
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0029_sec10_plan_part")]

    operations = [migrations.RunPython(copy_to_parts, copy_back)]
