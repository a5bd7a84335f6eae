"""Load SARA:SV, SAM, PATRIARK, Check-10+ and Hotbildsanalys (frozen data: the live
instrument_data.py may change; this migration must not)."""

from django.db import migrations


def load(apps, schema_editor):
    from riskassessment.migrations._frozen_instruments import INSTRUMENTS

    Instrument = apps.get_model("riskassessment", "Instrument")
    Part = apps.get_model("riskassessment", "InstrumentPart")
    Factor = apps.get_model("riskassessment", "Factor")
    Definition = apps.get_model("riskassessment", "SummaryJudgementDefinition")
    for data in INSTRUMENTS:
        instrument, created = Instrument.objects.get_or_create(
            code=data["code"],
            version=data["version"],
            defaults={
                "name": data["name"],
                "description": data.get("description", ""),
                "time_frames": data["time_frames"],
            },
        )
        if not created:
            continue
        for p_order, part in enumerate(data["parts"]):
            part_row = Part.objects.create(
                instrument=instrument, code=part["code"], label=part["label"], order=p_order
            )
            for f_order, factor in enumerate(part["factors"]):
                Factor.objects.create(
                    part=part_row,
                    code=factor["code"],
                    label=factor["label"],
                    order=f_order,
                    scale=factor["scale"],
                    ticks=factor.get("ticks", []),
                    translated=factor.get("translated", False),
                    verified=factor.get("verified", True),
                )
        for s_order, judgement in enumerate(data["summary_judgements"]):
            Definition.objects.create(
                instrument=instrument,
                code=judgement["code"],
                label=judgement["label"],
                kind=judgement["kind"],
                required=judgement.get("required", True),
                order=s_order,
            )


class Migration(migrations.Migration):
    dependencies = [("riskassessment", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
