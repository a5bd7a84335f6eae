"""Bulk loading through PostgreSQL COPY, filled the way ``bulk_create`` fills a row.

The generator names the columns it means (``Tables.add(Model, case_id=…, …)``); every other
concrete column of the model gets what Django would give it – its default (a callable one
called per row), ``now`` for ``auto_now``/``auto_now_add``, NULL when nullable, or the
database default – so a column another branch adds with a default is filled without a
change here. A NOT NULL column without any default stops the load with its name. Plain
tuples and COPY instead of model instances: at 5 M rows the instances alone were minutes
of CPU on this two-core machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

# Defaults that are the same for every row even though they are callables.
_CONSTANT_CALLABLES: tuple[Any, ...] = (dict, list)


class _Table:
    def __init__(self, model: type[models.Model], names: list[str]) -> None:
        opts = model._meta
        self.model = model
        self.names = names
        fields = [opts.pk if n == "pk" else opts.get_field(n) for n in names]
        assert all(isinstance(f, models.Field) for f in fields), "concrete fields only"
        columns = [f.column for f in fields]  # type: ignore[union-attr]
        self.fixed: list[Any] = []
        self.per_row: list[Callable[[], Any]] = []
        fixed_cols, row_cols = [], []
        now = timezone.now()
        wanted = {f.attname for f in fields}  # type: ignore[union-attr]
        for field in opts.concrete_fields:
            if field.attname in wanted:
                continue
            if field.primary_key or field.db_default is not NOT_PROVIDED:
                continue  # the database fills it (serial id, db_default)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.fixed.append(field.get_db_prep_save(now, connection))
                fixed_cols.append(field.column)
            elif field.has_default() and callable(field.default):
                if field.default in _CONSTANT_CALLABLES:
                    self.fixed.append(field.get_db_prep_save(field.default(), connection))
                    fixed_cols.append(field.column)
                else:
                    self.per_row.append(_prepared(field))
                    row_cols.append(field.column)
            else:
                value = field.get_default()  # as bulk_create: "" for text, else None
                if value is None and not field.null:
                    raise ValueError(
                        f"{opts.label}.{field.name}: NOT NULL without a default – "
                        "the national generator must fill it (bench/national_casework.py)"
                    )
                if value is not None:
                    self.fixed.append(field.get_db_prep_save(value, connection))
                    fixed_cols.append(field.column)
        quoted = ", ".join(f'"{c}"' for c in [*columns, *fixed_cols, *row_cols])
        self.sql = f'COPY "{opts.db_table}" ({quoted}) FROM STDIN'
        self.rows: list[tuple[Any, ...]] = []

    def flush(self) -> None:
        if not self.rows:
            return
        fixed, per_row = tuple(self.fixed), self.per_row
        with connection.cursor() as cursor, cursor.copy(self.sql) as copy:
            for row in self.rows:
                if per_row:
                    copy.write_row(row + fixed + tuple(make() for make in per_row))
                else:
                    copy.write_row(row + fixed)
        self.rows.clear()


def _prepared(field: models.Field[Any, Any]) -> Callable[[], Any]:
    def make() -> Any:
        return field.get_db_prep_save(field.get_default(), connection)

    return make


class Tables:
    """Rows per model, flushed together (in the order the models were first added, which is
    the order of their foreign keys) inside one transaction."""

    def __init__(self) -> None:
        self.tables: dict[type[models.Model], _Table] = {}
        self.pending = 0

    def add(self, model: type[models.Model], **values: Any) -> None:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = _Table(model, list(values))
        table.rows.append(tuple([values[name] for name in table.names]))
        self.pending += 1

    def add_row(self, model: type[models.Model], names: list[str], row: tuple[Any, ...]) -> None:
        """A row as a tuple in the order of ``names`` (the hot paths)."""
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = _Table(model, names)
        table.rows.append(row)
        self.pending += 1

    def flush(self) -> None:
        with transaction.atomic():
            for table in self.tables.values():
                table.flush()
        self.pending = 0
