"""Example data for the support directory (issue 4): the Västmanland table of seed 003
(bilaga 2, "Sammanställning över brottsofferverksamheter per kommun", 2010) and a few national
lines. Administrators correct and extend it in the admin; the 2010 numbers must be checked
before they are given to anyone (the note on each entry says so)."""

from django.db import migrations

EXAMPLE_NOTE = (
    "Exempeldata från bilaga 2 i samverkansöverenskommelsen i Västmanlands län (2010). "
    "Kontrollera numret innan det lämnas ut."
)
SOCIAL_JOUR = "021-392066 eller 114 14"
KVINNOCENTRUM = "021-393710"

# municipality code (SCB), name, A brottsofferjour, B kvinnojour, C kvinnocentrum,
# D–G socialkontoret (one number for all four in the table)
VASTMANLAND = [
    ("1984", "Arboga", "0221-20091", "0221-24490", KVINNOCENTRUM, "0589-87040"),
    ("1982", "Fagersta", "0223-71170, 021-413260", "0223-12850, 070-2751928", "", "0223-44260"),
    ("1961", "Hallstahammar", "0220-17337", "0220-29015", "", "0220-24346"),
    ("1960", "Kungsör", "0221-20091", "016-512109", "", "0227-600000"),
    ("1983", "Köping", "0221-20091", "0221-24490", KVINNOCENTRUM, "0221-25000"),
    ("1962", "Norberg", "0223-71170, 021-413260", "0223-12850, 070-2751928", "", "0223-29000"),
    ("1981", "Sala", "0224-86440", "0224-18289", "", "0224-55351"),
    ("1904", "Skinnskatteberg", "0223-71170, 021-413260", "0223-12850", "", "0222-45000"),
    ("1907", "Surahammar", "0220-17337", "0220-29015, 076-7140208", "", "0220-39040"),
]

# name, kind, phone, opening hours, note — only lines whose numbers we are sure of.
NATIONAL = [
    (
        "Kvinnofridslinjen",
        "national_line",
        "020-50 50 50",
        "Dygnet runt",
        "Nationell stödtelefon för den som utsatts för hot, våld eller sexuella övergrepp. "
        "Avgiftsfri, syns inte på telefonräkningen.",
    ),
    (
        "Brottsofferjourens stödlinje",
        "national_line",
        "116 006",
        "",
        "Brottsofferjouren Sveriges nationella stödlinje för brottsutsatta, vittnen och "
        "anhöriga; förmedlar kontakt med den lokala jouren.",
    ),
    ("Bris – för barn och unga", "national_line", "116 111", "", "Stöd för barn och unga."),
    (
        "Välj att sluta",
        "violence_users",
        "020-555 666",
        "",
        "Nationell telefonlinje för den som utövar eller riskerar att utöva våld i en nära "
        "relation (länsstyrelserna).",
    ),
]


def load(apps, schema_editor):
    SupportOrganisation = apps.get_model("cases", "SupportOrganisation")

    def add(name, kind, phone, *, code="", municipality="", national=False, hours="", note=""):
        SupportOrganisation.objects.get_or_create(
            name=name,
            municipality_code=code,
            defaults={
                "kind": kind,
                "municipality_name": municipality,
                "national": national,
                "phone": phone,
                "opening_hours": hours,
                "note": note,
            },
        )

    for code, town, jour, kvinnojour, centrum, social in VASTMANLAND:
        where = {"code": code, "municipality": town, "note": EXAMPLE_NOTE}
        add(f"Brottsofferjouren ({town})", "A", jour, **where)
        add(f"Kvinnojouren ({town})", "B", kvinnojour, **where)
        if centrum:
            add(f"Kvinnocentrum, Västerås ({town})", "C", centrum, **where)
        add(
            f"Socialkontoret {town} – mottagning vuxna, försörjningsstöd, barn och unga",
            "D",
            social,
            **{
                **where,
                "note": "Bilaga 2 anger samma nummer för D–G. " + EXAMPLE_NOTE,
            },
        )
        add(f"Socialjouren ({town})", "H", SOCIAL_JOUR, hours="Utanför kontorstid", **where)

    add(
        "Kriscentrum för män i Västmanland",
        "violence_users",
        "",
        code="1980",
        municipality="Västerås",
        note=(
            "För hela länet. Nämns i samverkansöverenskommelsen (bilaga 4) som stöd dit polisen "
            "hänvisar våldsutövande män. Telefonnummer saknas i underlaget: fyll i."
        ),
    )
    for name, kind, phone, hours, note in NATIONAL:
        add(name, kind, phone, national=True, hours=hours, note=note)


def unload(apps, schema_editor):
    SupportOrganisation = apps.get_model("cases", "SupportOrganisation")
    SupportInformation = apps.get_model("cases", "SupportInformation")
    used = SupportInformation.objects.values("organisation_id")
    names = [name for name, *_rest in NATIONAL] + ["Kriscentrum för män i Västmanland"]
    towns = [town for _code, town, *_rest in VASTMANLAND]
    SupportOrganisation.objects.exclude(pk__in=used).filter(name__in=names).delete()
    for town in towns:
        SupportOrganisation.objects.exclude(pk__in=used).filter(
            name__endswith=f"({town})"
        ).delete()
        SupportOrganisation.objects.exclude(pk__in=used).filter(
            name__startswith=f"Socialkontoret {town} – "
        ).delete()


class Migration(migrations.Migration):
    # Depends on the last migration of this branch; at merge the lead points it at the
    # latest cases migration (0005–0007 come from other branches).
    dependencies = [("cases", "0005_dwelling_per_case")]
    operations = [migrations.RunPython(load, unload)]
