"""Figures as they leave the app – the page, the chart and the CSV share one rendering, so the
suppression rule cannot differ between them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from cases.statsaccess import StatisticsScope
from skydd.dbrouting import statistics_reads
from stats.charts import Chart, build_chart
from stats.figures import Section, Table
from stats.indicators import register_all
from stats.periods import Period
from stats.registry import Context, sections_for


@dataclass(frozen=True)
class ShownCell:
    text: str
    detail: str


@dataclass(frozen=True)
class ShownRow:
    label: str
    cells: list[ShownCell]  # measure by measure: this period, previous period


@dataclass(frozen=True)
class ShownTable:
    table: Table
    rows: list[ShownRow]
    chart: Chart | None


def build_sections(
    scope: StatisticsScope, ids: tuple[int, ...], pair: tuple[Period, Period], today: date
) -> tuple[Context, list[Section]]:
    """The figures, read from the statistics replica when one is configured (the scope was
    decided on the primary; skydd/dbrouting.py)."""
    register_all()
    ctx = Context(scope, ids, pair[0], pair[1], today)
    with statistics_reads():
        return ctx, [spec.build(ctx) for spec in sections_for(ctx)]


def show(table: Table, ctx: Context) -> ShownTable:
    suppress = ctx.suppress
    rows = [
        ShownRow(
            row.label,
            [
                ShownCell(value.text(suppress), value.detail(suppress))
                for pair in row.cells
                for value in pair
            ],
        )
        for row in table.rows
    ]
    chart = build_chart(table, ctx.current.label, ctx.previous.label, suppress)
    return ShownTable(table, rows, chart)


def scope_label(ctx: Context) -> str:
    if ctx.national:
        return _("Hela landet, alla organisationer")
    names = [o.name for o in ctx.scope.organisations if o.pk in ctx.organisation_ids]
    return ", ".join(names)


def table_csv(table: Table, ctx: Context) -> str:
    """Semicolon-separated (a Swedish spreadsheet's default), with a byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Skydd – statistik"), table.title])
    writer.writerow([_("Omfattning"), scope_label(ctx)])
    writer.writerow([_("Period"), ctx.current.iso, _("Föregående period"), ctx.previous.iso])
    if ctx.suppress:
        writer.writerow(
            [
                _(
                    "Antal 1–4 visas som <5; andelar, kvoter och medianer beräknade från dem "
                    "visas inte (–)."
                )
            ]
        )
    writer.writerow([])
    header = [_("Rad")]
    for measure in table.measures:
        header += [f"{measure} ({ctx.current.label})", f"{measure} ({ctx.previous.label})"]
    writer.writerow(header)
    for shown in show(table, ctx).rows:
        writer.writerow([shown.label, *(cell.text for cell in shown.cells)])
    writer.writerow([])
    if table.definition:
        writer.writerow([_("Definition"), table.definition])
    for label, definition in table.definitions:
        writer.writerow([label, definition])
    return out.getvalue()
