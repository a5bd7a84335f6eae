"""One person per personnummer (issue 11): fold existing duplicates (the next migration
makes the keyed hash unique).

The merge is a frozen copy of cases.services.identity.merge_duplicates (a data migration
never imports live code): the oldest record of each set is kept, with the highest
protection level of the set and blanks filled from the others; every foreign key to the
others (participants, dwellings, and whatever the apps built on cases point at) moves to
it. It prints references and counts only. Running it again finds nothing to do.
"""

from django.db import migrations, models
from django.db.models import Count

PROTECTION_ORDER = ["none", "sekretessmarkering", "skyddad_folkbokforing", "fingerade"]
FILLED = ["phone", "street_address", "postal_code", "city", "date_of_birth"]


def _rank(level):
    return PROTECTION_ORDER.index(level) if level in PROTECTION_ORDER else 0


def _repoint(model, keep, drop):
    # Hidden relations too (``related_name="+"``, e.g. a kontaktförbud's parties); not the
    # history tables, which keep what was.
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        if not isinstance(getattr(rel, "field", None), models.ForeignKey):
            continue
        if rel.related_model._meta.object_name.startswith("Historical"):
            continue
        rel.related_model._base_manager.filter(**{rel.field.name: drop.pk}).update(
            **{rel.field.name: keep.pk}
        )


def merge(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    Participant = apps.get_model("cases", "Participant")
    digests = (
        Person.objects.exclude(personnummer_hmac="")
        .values("personnummer_hmac")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("personnummer_hmac", flat=True)
    )
    references = set()
    removed = 0
    for digest in list(digests):
        persons = list(Person.objects.filter(personnummer_hmac=digest).order_by("pk"))
        keep, others = persons[0], persons[1:]
        for name in FILLED:
            if not getattr(keep, name):
                for other in others:
                    if getattr(other, name):
                        setattr(keep, name, getattr(other, name))
                        break
        keep.protection = max((p.protection for p in persons), key=_rank)
        keep.version += 1
        keep.save()
        references |= set(
            Participant.objects.filter(person__in=persons).values_list(
                "case__reference", flat=True
            )
        )
        for other in others:
            for participant in Participant.objects.filter(person=other):
                twin = Participant.objects.filter(
                    case_id=participant.case_id, person=keep, role=participant.role
                ).first()
                if twin is None:
                    participant.person = keep
                    participant.save(update_fields=["person"])
                else:
                    _repoint(Participant, twin, participant)
                    participant.delete()
            _repoint(Person, keep, other)
            other.delete()
            removed += 1
    if removed:
        print(f"\n  Dubbletter sammanslagna: {removed}; ärenden: {', '.join(sorted(references))}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_accesslog_email_channel"),
    ]

    operations = [migrations.RunPython(merge, migrations.RunPython.noop)]
