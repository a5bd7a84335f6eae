"""Contact details belong to the case (step 2 of 3): each person's phone and address are
copied to each of their participant rows, so no case loses what it showed. From then on a
case's rows change only through that case. Reversing copies the details of each person's
oldest row back (the only lossless direction is forward)."""

from typing import Any

from django.db import migrations

FIELDS = ("phone", "street_address", "postal_code", "city")


def copy_to_participants(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("cases", "Person")
    Participant = apps.get_model("cases", "Participant")
    for person in Person.objects.only("pk", *FIELDS).iterator():
        values = {name: getattr(person, name) for name in FIELDS}
        if any(values.values()):
            Participant.objects.filter(person_id=person.pk).update(**values)


def copy_back(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("cases", "Person")
    Participant = apps.get_model("cases", "Participant")
    for person in Person.objects.only("pk").iterator():
        first = Participant.objects.filter(person_id=person.pk).order_by("pk").first()
        if first is not None:
            Person.objects.filter(pk=person.pk).update(
                **{name: getattr(first, name) for name in FIELDS}
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_contact_participant_fields")]

    operations = [migrations.RunPython(copy_to_participants, copy_back)]
