"""Reference data that data migrations load (instruments, the measure catalogue).

A transactional test (the browser tests) flushes the whole database when it ends, data
migrations included, and with pytest-xdist a later test in the same worker may then find
no instruments. ``ensure_reference_data()`` loads them again when missing (the loaders are
idempotent); inside a normal test it runs in that test's transaction and is rolled back.
"""

from __future__ import annotations

from importlib import import_module


def ensure_reference_data() -> None:
    from django.apps import apps

    from alarms.models import DeviceKind
    from cases.models import MeasureKind, SupportOrganisation
    from riskassessment.models import Instrument

    if not DeviceKind.objects.exists():
        import_module("alarms.migrations.0002_device_kinds").load(apps, None)
    if (
        Instrument.objects.exists()
        and MeasureKind.objects.exists()
        and SupportOrganisation.objects.exists()
    ):
        return
    import_module("cases.migrations.0004_measure_catalogue").load(apps, None)
    import_module("cases.migrations.0008_support_directory").load(apps, None)
    import_module("riskassessment.migrations.0002_load_instruments").load(apps, None)
    import_module("riskassessment.migrations.0003_assessment_changes").mark_police_only(apps, None)
    import_module("riskassessment.migrations.0004_issue11_threat_actors").mark_per_threat_actor(
        apps, None
    )
