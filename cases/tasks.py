"""Scheduled tasks of the cases app (beat schedule in skydd/celery.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def purge_expired_cases() -> int:
    """Nightly gallring of closed cases past retention. Takes no arguments; safe to run
    twice (a purged case is not found again)."""
    from cases.casework.retention import purge_expired

    return len(purge_expired(run_by="schemalagd gallring"))
