"""The sections of the statistics page, in the order they are shown.

Registered here (imported from StatisticsConfig.ready via stats.views); a new module adds one
``register`` call. Alarm loans (``stats/indicators/alarms.py``) are police and national only
and ``available`` only while the ``alarms`` app is installed.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from stats.periods import Period


def on(field: str, period: Period) -> Q:
    """A date column within the period."""
    return Q(**{f"{field}__range": (period.start, period.end)})


def during(field: str, period: Period) -> Q:
    """A timestamp column within the period's local days."""
    return Q(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_before})


def open_on(day: date, prefix: str = "") -> Q:
    """A case open at the end of ``day``."""
    return Q(**{f"{prefix}opened_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


def register_all() -> None:
    from stats.indicators import (
        alarms,
        bans,
        caseload,
        followup,
        risk,
        sharing,
        social,
        support,
    )
    from stats.registry import REGISTRY, register

    if REGISTRY:
        return
    register("cases", ("police", "national"), caseload.build)
    register("risk", ("police", "national"), risk.build)
    register("followup", ("police", "national"), followup.build)
    register("bans", ("police", "national"), bans.build)
    register("sharing", ("police", "national"), sharing.build)
    register("support", ("police", "national"), support.build)
    register("alarms", ("police", "national"), alarms.build, available=alarms.installed)
    register("social_disclosures", ("social",), social.build_disclosures)
    register("social_work", ("social",), social.build_own_work)
