"""What a statistics page shows: tables of values, each value beside the previous period's.

The table is the truth; charts and CSV are drawn from the same ``Table``. Suppression (small
counts 1–4 shown as "<5", and no share, ratio or median computed from them) is applied when a
value is displayed, so that no view of a suppressed figure – page, chart, CSV – can differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext as _

SMALL = "<5"
HIDDEN = "–"

Kind = Literal["count", "share", "days", "ratio", "none"]


def is_small(n: float | None) -> bool:
    return n is not None and 0 < n < 5


def _number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return text


@dataclass(frozen=True)
class Value:
    """One figure. ``n``: the count, numerator, median or ratio numerator; ``d``: the
    denominator of a share or ratio, the number of cases behind a median."""

    kind: Kind
    n: float | None = None
    d: float | None = None

    def suppressed(self, suppress: bool) -> bool:
        if not suppress:
            return False
        if self.kind == "count":
            return is_small(self.n)
        if self.kind == "days":
            return is_small(self.d)
        if self.kind in ("share", "ratio"):
            return is_small(self.n) or is_small(self.d)
        return False

    def number(self, suppress: bool) -> float | None:
        """The plotted number (a share in per cent), None when not shown."""
        if self.kind == "none" or self.suppressed(suppress) or self.n is None:
            return None
        if self.kind == "share":
            return 100 * self.n / self.d if self.d else None
        if self.kind == "ratio":
            return self.n / self.d if self.d else None
        return float(self.n)

    def text(self, suppress: bool) -> str:
        if self.kind == "count" and self.suppressed(suppress):
            return SMALL
        number = self.number(suppress)
        if number is None:
            return HIDDEN
        if self.kind == "share":
            return f"{_number(number)} %"
        if self.kind == "ratio":
            return _number(number, 1)
        if self.kind == "days":
            return _number(number, 1 if number % 1 else 0)
        return _number(number)

    def detail(self, suppress: bool) -> str:
        """The counts behind a share ("9 av 25"), on the page only."""
        if self.kind != "share" or self.number(suppress) is None:
            return ""
        return _("%(n)s av %(d)s") % {"n": _number(self.n or 0), "d": _number(self.d or 0)}


def count(n: int | None) -> Value:
    return Value("count", n or 0)


def share(n: int | None, d: int | None) -> Value:
    return Value("share", n or 0, d or 0)


def days(median: float | None, base: int | None) -> Value:
    return Value("days", median, base or 0)


def ratio(n: int | None, d: int | None) -> Value:
    return Value("ratio", n or 0, d or 0)


NOT_AVAILABLE = Value("none")


@dataclass
class Row:
    label: str
    cells: list[tuple[Value, Value]]  # per measure: (this period, previous period)
    definition: str = ""


@dataclass
class Table:
    key: str  # unique on the page; used in ids and the CSV URL
    title: str
    measures: list[str]
    rows: list[Row]
    definition: str = ""  # one sentence for the whole table (grouped tables)
    chart: bool = False  # draw the first measure as a bar chart
    note: str = ""
    unit: str = ""  # what the chart's numbers are ("ärenden", "%")

    @property
    def definitions(self) -> list[tuple[str, str]]:
        return [(row.label, row.definition) for row in self.rows if row.definition]


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    note: str = ""
