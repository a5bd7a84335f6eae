"""Reference data the data migrations load (instruments, measure catalogue, support
directory, retention policies, device kinds, …), kept across transactional tests by Django's
serializer – never by running migration code again (a migration's loader belongs to the
schema of its time).

Browser tests are ``django_db(transaction=True, serialized_rollback=True)``: Django restores
the copy it serialized when it built the test database at the start of each of them. Any
other transactional test (and a browser test, with post_migrate inhibited) ends with a flush
that empties those tables too; with pytest-xdist a later test in the same worker would find
them missing. ``snapshot()`` serializes every table the migrations filled, once per session
right after the test database is built; ``ensure_reference_data()`` puts back the rows of
each such table that is empty now (inside a normal test: in its transaction, rolled back
with it).
"""

from __future__ import annotations

from django.apps import apps
from django.core import serializers
from django.db import transaction

_snapshot: dict[str, str] = {}


def snapshot() -> None:
    """Serialize every table the migrations filled (by model label)."""
    _snapshot.clear()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        rows = model._default_manager.order_by("pk")
        if rows.exists():
            _snapshot[model._meta.label] = serializers.serialize("json", rows)


def missing() -> list[str]:
    return [label for label in _snapshot if not apps.get_model(label)._default_manager.exists()]


def ensure_reference_data() -> None:
    """Restore each snapshotted table that is empty now (nothing else is touched, so
    content types and permissions that a flush's post_migrate re-created stay as they are)."""
    empty = missing()
    if not empty:
        return
    # One transaction (foreign keys are checked at its end, so the order of the tables does
    # not matter), also when the test itself runs without one.
    with transaction.atomic():
        for label in empty:
            for obj in serializers.deserialize("json", _snapshot[label]):
                obj.save()
