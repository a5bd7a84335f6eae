"""Celery application. The beat schedule lives here, in code (django-celery-beat caps Django)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skydd.settings")

app = Celery("skydd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def warm_pdf_engine(**_kwargs: Any) -> None:
    """Each worker process renders a tiny PDF when it starts, so that the first plan or
    receipt it renders is as fast as the next (fonts and Pango loaded once), then settles
    (skydd/warm.py: loaded and frozen, so that a full garbage collection is short)."""
    from skydd.pdf import warm
    from skydd.warm import settle

    warm()
    settle()


app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
    # The outbox sweep (notifications/): writes digests at 06:30 local time, notices at
    # once, and sends. The rows are the schedule; this only wakes the sweep up.
    "sweep-notifications": {
        "task": "notifications.tasks.sweep_notifications",
        "schedule": crontab(minute="*/2"),
        "options": {"expires": 110},
    },
    "purge-expired-cases": {
        "task": "cases.tasks.purge_expired_cases",
        "schedule": crontab(minute=41, hour=2),
    },
}
