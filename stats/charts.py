"""Horizontal bar charts as plain SVG geometry, drawn by templates/statistics/_chart.html.

Two bars per row: this period solid, the previous period hatched with an outline, each with
its value written beside it, so that the chart reads in black and white and in print. A
suppressed value ("<5") gets no bar – its length would give the count away.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from stats.figures import Table

WIDTH = 640
LABEL_WIDTH = 230
BAR_AREA = 330
BAR_HEIGHT = 14
ROW_GAP = 12
TOP = 34  # room for the legend


@dataclass(frozen=True)
class Bar:
    y: int
    width: float
    text: str
    text_x: float
    current: bool


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: int
    bars: tuple[Bar, Bar]


@dataclass(frozen=True)
class Chart:
    key: str
    width: int
    height: int
    label_width: int
    rows: list[ChartRow]
    title: str
    description: str
    current_label: str
    previous_label: str


def build_chart(
    table: Table, current_label: str, previous_label: str, suppress: bool
) -> Chart | None:
    if not table.chart or not table.rows:
        return None
    pairs = [(row.label, row.cells[0]) for row in table.rows]
    numbers = [v.number(suppress) for _label, cell in pairs for v in cell]
    largest = max((n for n in numbers if n is not None), default=0) or 1
    if table.unit == "%":
        largest = 100.0  # shares on a whole scale, not stretched to the largest
    rows: list[ChartRow] = []
    y = TOP
    for label, (cur, prev) in pairs:
        bars = []
        for offset, value, is_current in ((0, cur, True), (BAR_HEIGHT + 2, prev, False)):
            number = value.number(suppress)
            width = 0 if number is None else BAR_AREA * number / largest
            bars.append(
                Bar(
                    y + offset,
                    round(width, 1),
                    value.text(suppress),
                    LABEL_WIDTH + width + 6,
                    is_current,
                )
            )
        rows.append(ChartRow(label, y + BAR_HEIGHT + 1, (bars[0], bars[1])))
        y += 2 * BAR_HEIGHT + 2 + ROW_GAP
    description = "; ".join(
        _("%(label)s: %(cur)s (%(prev)s föregående period)")
        % {"label": label, "cur": cur.text(suppress), "prev": prev.text(suppress)}
        for label, (cur, prev) in pairs
    )
    measure = table.measures[0].lower()
    unit = f" ({table.unit})" if table.unit and table.unit != measure else ""
    return Chart(
        key=table.key,
        width=WIDTH,
        height=y,
        label_width=LABEL_WIDTH,
        rows=rows,
        title=_("Stapeldiagram: %(title)s, %(measure)s%(unit)s, %(cur)s jämfört med %(prev)s")
        % {
            "title": table.title,
            "measure": measure,
            "unit": unit,
            "cur": current_label,
            "prev": previous_label,
        },
        description=description,
        current_label=current_label,
        previous_label=previous_label,
    )
