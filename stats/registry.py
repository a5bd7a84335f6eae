"""The indicator registry: sections of tables, registered in order, each for some audiences.

A section is one module under ``stats/indicators`` with a ``build(ctx) -> Section`` that runs
a fixed number of aggregate queries (never a query or a Python loop per case). A later app's
figures – the alarm loans of ``alarms`` – are one more module registered here, with
``available`` saying whether the models it needs are installed (``apps.is_installed``), so
that this app never fails for an app that is not there yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.db.models import Q

from cases.statsaccess import StatisticsScope
from stats.figures import Section
from stats.periods import Period

Audience = Literal["police", "social", "national"]


@dataclass(frozen=True)
class Context:
    """What every section's queries need: whose figures, which periods, which day is today."""

    scope: StatisticsScope
    organisation_ids: tuple[int, ...]  # the chosen units / organisations; () for national
    current: Period
    previous: Period
    today: date
    # Figures more than one section needs (the new cases per period), computed once per page.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def national(self) -> bool:
        return self.scope.kind == "national"

    @property
    def suppress(self) -> bool:
        return self.scope.suppress

    def cases(self, prefix: str = "") -> Q:
        """Rows belonging to the police units in scope (``prefix`` leads to the case)."""
        if self.national:
            return Q()
        return Q(**{f"{prefix}unit_id__in": self.organisation_ids})

    def periods(self) -> tuple[tuple[str, Period], tuple[str, Period]]:
        return (("cur", self.current), ("prev", self.previous))


@dataclass(frozen=True)
class SectionSpec:
    key: str
    audiences: frozenset[str]
    build: Callable[[Context], Section]
    available: Callable[[], bool] = lambda: True


REGISTRY: list[SectionSpec] = []


def register(
    key: str,
    audiences: tuple[Audience, ...],
    build: Callable[[Context], Section],
    available: Callable[[], bool] = lambda: True,
) -> None:
    if any(spec.key == key for spec in REGISTRY):
        raise ValueError(f"Section {key} registered twice")
    REGISTRY.append(SectionSpec(key, frozenset(audiences), build, available))


def sections_for(ctx: Context) -> list[SectionSpec]:
    return [s for s in REGISTRY if ctx.scope.kind in s.audiences and s.available()]
