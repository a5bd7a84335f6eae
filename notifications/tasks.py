"""The sweep as a Celery task (beat schedule in skydd/celery.py). Takes no arguments;
safe to run twice or concurrently (the outbox rows are claimed, not the task)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    from notifications.sweep import sweep

    return sweep().delivery.sent
