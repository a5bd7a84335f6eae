"""Periods: whole days in Europe/Stockholm (settings.TIME_ZONE), each with the one before it.

Date columns (opened on, due, decided) compare with the period's dates; timestamps (finalised,
created, withdrawn, break-the-glass) with the local midnights that bound it, so that a case
event at 23:30 on 31 March in Stockholm (21:30 UTC) belongs to March, and one at 00:30 on
1 April (22:30 UTC on 31 March) to April.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PERIOD_CHOICES = [
    ("this_month", gettext_lazy("Denna månad")),
    ("last_month", gettext_lazy("Förra månaden")),
    ("this_quarter", gettext_lazy("Detta kvartal")),
    ("last_quarter", gettext_lazy("Förra kvartalet")),
    ("this_year", gettext_lazy("Detta år")),
    ("last_year", gettext_lazy("Förra året")),
    ("custom", gettext_lazy("Valda datum")),
]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        return local_midnight(self.start)

    @property
    def end_before(self) -> datetime:
        """The first instant after the period (local midnight of the next day)."""
        return local_midnight(self.end + timedelta(days=1))

    def reference_day(self, today: date) -> date:
        """The day a "now" figure is taken: the period's last day, or today if earlier."""
        return min(self.end, today)

    @property
    def iso(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return Period(start, nxt - timedelta(days=1), dateformat.format(start, "F Y"))


def _quarter(year: int, q: int) -> Period:
    start = date(year, 3 * q - 2, 1)
    end = _month(year, 3 * q).end
    return Period(start, end, _("kvartal %(q)s %(y)s") % {"q": q, "y": year})


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def _custom(start: date, end: date) -> Period:
    return Period(start, end, f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")


def periods(
    choice: str, today: date, start: date | None = None, end: date | None = None
) -> tuple[Period, Period]:
    """(the chosen period, the one before it)."""
    if choice in ("this_month", "last_month"):
        y, m = today.year, today.month
        if choice == "last_month":
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        py, pm = (y, m - 1) if m > 1 else (y - 1, 12)
        return _month(y, m), _month(py, pm)
    if choice in ("this_quarter", "last_quarter"):
        y, q = today.year, (today.month - 1) // 3 + 1
        if choice == "last_quarter":
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        py, pq = (y, q - 1) if q > 1 else (y - 1, 4)
        return _quarter(y, q), _quarter(py, pq)
    if choice in ("this_year", "last_year"):
        y = today.year - (choice == "last_year")
        return _year(y), _year(y - 1)
    if choice == "custom" and start and end:
        length = (end - start).days + 1
        previous_end = start - timedelta(days=1)
        return _custom(start, end), _custom(previous_end - timedelta(days=length - 1), previous_end)
    raise ValueError(choice)
