"""The device kinds of the police skyddspaket (seed 001) and their readiness checks.

Frozen data: written with the historical models, never importing live code. Administrators
edit and add kinds and checks in the admin afterwards.
"""

from django.db import migrations

ALARM_CENTRE = (
    "Tryck och håll larmknappen i tre sekunder. Larmet går till polisens larmcentral, som ser "
    "din position och lyssnar in. Säg om du kan vad som händer. Ring 112 om larmet inte svarar."
)

KINDS = [
    (
        "larmtelefon-gps",
        "Larmtelefon med GPS",
        ALARM_CENTRE,
        [
            ("batteri-laddare", "Batteri och laddare", 30),
            ("sim-abonnemang", "SIM-kort och abonnemang", 30),
            ("provsamtal", "Provsamtal till larmcentralen", 30),
            ("gps", "GPS-positionering", 30),
        ],
    ),
    (
        "inspelningsenhet",
        "Inspelningsenhet",
        "Starta inspelningen med knappen på sidan. Inspelningen sparas i enheten och lämnas "
        "till polisen; radera ingenting själv.",
        [
            ("batteri-laddare", "Batteri och laddare", 30),
            ("inspelning", "Inspelning och uppspelning", 30),
        ],
    ),
    (
        "akustiskt-larm",
        "Akustiskt larm",
        "Dra ur sprinten för att utlösa ett högt ljudlarm som skrämmer och påkallar "
        "uppmärksamhet. Ring 112 när du är i säkerhet.",
        [
            ("batteri", "Batteri", 90),
            ("ljudprov", "Ljudprov", 90),
        ],
    ),
]


def load(apps, schema_editor):
    DeviceKind = apps.get_model("alarms", "DeviceKind")
    CheckDefinition = apps.get_model("alarms", "CheckDefinition")
    for order, (code, name, instructions, checks) in enumerate(KINDS, start=1):
        kind, _created = DeviceKind.objects.get_or_create(
            code=code, defaults={"name": name, "instructions": instructions, "order": order}
        )
        for check_order, (check_code, label, days) in enumerate(checks, start=1):
            CheckDefinition.objects.get_or_create(
                kind=kind,
                code=check_code,
                defaults={"label": label, "interval_days": days, "order": check_order},
            )


class Migration(migrations.Migration):
    dependencies = [("alarms", "0001_devices_loans_events")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
