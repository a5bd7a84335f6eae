"""Celery against the real Redis broker: a worker picks up a task and the effect persists."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from skydd.celery import app
from tests.celery_worker import own_worker


def test_configuration_is_json_only_with_short_timeouts() -> None:
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.broker_transport_options["socket_timeout"] <= 5
    assert app.conf.broker_url.startswith("redis://")
    assert "clear-expired-sessions" in app.conf.beat_schedule


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_sent_through_redis() -> None:
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    with own_worker():
        clear_expired_sessions.delay()
        deadline = time.monotonic() + 20
        while Session.objects.filter(session_key=store.session_key).exists():
            assert time.monotonic() < deadline, "the worker did not run the task"
            time.sleep(0.1)
