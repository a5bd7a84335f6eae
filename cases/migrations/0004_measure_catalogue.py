"""The catalogue of protective measures (issue 4; seeds 001 and 003) and default retention."""

from django.db import migrations

# code, name, category, default party, records a statement
MEASURES = [
    ("oppen-overvakning", "Öppen övervakning/störning", "offensive", "police", False),
    ("medling", "Medling", "offensive", "police", False),
    ("konsekvenssamtal", "Konsekvenssamtal", "offensive", "police", False),
    ("kontaktforbud", "Kontaktförbud (tidigare besöksförbud)", "offensive", "police", False),
    ("uppfoljning-kontaktforbud", "Uppföljning av kontaktförbud", "offensive", "police", False),
    ("riskreducerande-hotutovare", "Riskreducerande insatser mot hotutövaren", "offensive",
     "police", False),
    ("skyddslarm", "Skyddslarm/larmtelefon", "defensive", "police", False),
    ("tekniska-hjalpmedel", "Andra tekniska hjälpmedel", "defensive", "police", False),
    ("hemligt-telefonnummer", "Hemligt telefonnummer", "defensive", "police", False),
    ("skyddade-personuppgifter", "Skyddade personuppgifter (ansökan till Skatteverket)",
     "defensive", "police", True),
    ("boende-van-slakting", "Tillfälligt boende hos vän/släkting", "defensive", "social", False),
    ("tillfalligt-hemligt-boende", "Tillfälligt hemligt boende", "defensive", "social", False),
    ("tillfalligt-skyddat-boende", "Tillfälligt skyddat boende", "defensive", "social", False),
    ("omlokalisering", "Omlokalisering", "defensive", "police", False),
    ("kontaktperson-polis", "Kontaktperson hos polisen", "supporting", "police", False),
    ("informations-sakerhetssamtal", "Informations- och säkerhetssamtal", "supporting", "police",
     False),
    ("radgivning", "Rådgivning", "supporting", "police", False),
    ("bevakning", "Bevakning", "supporting", "police", False),
    ("ekonomiskt-bistand", "Ekonomiskt bistånd", "social", "social", False),
    ("overlamning-barn", "Hjälp vid överlämning av gemensamma barn", "social", "social", False),
    ("stod-jour", "Stöd från kvinno-/brottsofferjour", "social", "social", False),
]

# Days from closing until purge; admins change these in the admin.
RETENTION = [("police", 5 * 365), ("social", 5 * 365)]


def load(apps, schema_editor):
    MeasureKind = apps.get_model("cases", "MeasureKind")
    for order, (code, name, category, party, statement) in enumerate(MEASURES):
        MeasureKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "default_party": party,
                "records_statement": statement,
                "order": order,
            },
        )
    RetentionPolicy = apps.get_model("cases", "RetentionPolicy")
    for kind, days in RETENTION:
        RetentionPolicy.objects.get_or_create(organisation_kind=kind, defaults={"retention_days": days})


def unload(apps, schema_editor):
    apps.get_model("cases", "MeasureKind").objects.filter(
        code__in=[m[0] for m in MEASURES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_casework")]
    operations = [migrations.RunPython(load, unload)]
