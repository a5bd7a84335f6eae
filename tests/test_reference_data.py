"""Reference data survives a flush through Django's serializer, not migration code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alarms.models import CheckDefinition, DeviceKind
from cases.models import MeasureKind, RetentionPolicy, SupportOrganisation
from riskassessment.models import Factor, Instrument
from tests import reference_data

ROOT = Path(__file__).resolve().parent

pytestmark = pytest.mark.django_db


def test_emptied_reference_tables_are_restored_as_migrated() -> None:
    models = [MeasureKind, SupportOrganisation, RetentionPolicy, Instrument, Factor, DeviceKind]
    before = {m: sorted(m.objects.values_list("pk", flat=True)) for m in models}
    assert all(before.values())
    CheckDefinition.objects.all().delete()
    Factor.objects.all().delete()  # (ratings PROTECT factors; none exist here)
    Instrument.objects.all().delete()
    MeasureKind.objects.all().delete()
    assert set(reference_data.missing()) >= {
        "riskassessment.Instrument",
        "riskassessment.Factor",
        "cases.MeasureKind",
    }
    reference_data.ensure_reference_data()
    assert reference_data.missing() == []
    assert {m: sorted(m.objects.values_list("pk", flat=True)) for m in models} == before


LOADER = re.compile(r"import_module\(f?[\"'][a-z_]+\.migrations\.[^)]*\)\s*\.\s*(load|mark_\w+)\(")


def test_no_test_runs_migration_code_for_reference_data() -> None:
    """No test loads reference data by calling a data migration's loader (testing what a
    migration itself does, e.g. tests/cases/test_identity.py, is another matter)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if path.name != "test_reference_data.py" and LOADER.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_loader_pattern_finds_a_loader_call() -> None:
    assert LOADER.search('import_module("cases.migrations.0004_catalogue").load(apps, None)')
    assert LOADER.search("import_module(f'riskassessment.migrations.{name}').mark_police_only(")
    assert not LOADER.search('migration = import_module("cases.migrations.0014_x")')
