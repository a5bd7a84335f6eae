"""The sweep on a real Celery worker and the real Redis; a web request with Redis down."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
import yaml
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from cases.models import FollowUp
from notifications.models import DigestRun, Message, SweepState
from notifications.schedule import latest_slot
from notifications.tasks import sweep_notifications
from skydd.celery import app
from tests.factories import make_case


def _queue() -> str:
    # A queue of this test's own: parallel test processes share the Redis database, and
    # another process's worker must not run this sweep against its own test database.
    return f"test-notifications-{uuid.uuid4().hex}"


def _wait_for(predicate, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the worker did not deliver"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_redis_down_follow_up_still_saved_and_the_first_sweep_after_sends_it(
    settings, login, handler, smtp_server
) -> None:
    # The day before the latest digest slot is done (before 06:30 that slot is
    # yesterday's, so "today minus one" would leave no digest due).
    DigestRun.objects.create(day=latest_slot(timezone.now()) - timedelta(days=1))
    case = make_case(handler)
    client = login(handler)
    form_url = reverse("cases:followup_add", kwargs={"key": case.key})
    assert client.get(form_url).status_code == 200  # warm: URLconf, templates
    good_broker = app.conf.broker_url
    closed = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": closed,
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
    settings.REDIS_URL = closed
    app.conf.broker_url = closed
    try:
        started = time.monotonic()
        response = client.post(
            form_url,
            {
                "kind": "conversation",
                "due_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
                "responsible_party": "police",
                "assignee": handler.pk,
            },
        )
        assert response.status_code == 302
        # Not a hang, nor a 19-second connection timeout (a loaded machine is slow anyway).
        assert time.monotonic() - started < 8
    finally:
        app.conf.broker_url = good_broker
        settings.CACHES = django_settings.CACHES
    assert FollowUp.objects.filter(case=case, assignee=handler).exists()
    # Redis is back: beat's next wake-up, through the real broker and a real worker.
    queue = _queue()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=20, queues=[queue]):
        sweep_notifications.apply_async(queue=queue)
        _wait_for(lambda: len(smtp_server.messages) == 1)
    assert case.reference in smtp_server.messages[0].get_body().get_content()
    assert Message.objects.get().status == Message.Status.SENT
    assert SweepState.objects.get().last_success_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_sweep_tasks_on_a_worker_send_once(handler, smtp_server) -> None:
    # The day before the latest digest slot is done (before 06:30 that slot is
    # yesterday's, so "today minus one" would leave no digest due).
    DigestRun.objects.create(day=latest_slot(timezone.now()) - timedelta(days=1))
    FollowUp.objects.create(
        case=make_case(handler), kind="other", due_date=timezone.localdate(), assignee=handler
    )
    queue = _queue()
    with start_worker(
        app, perform_ping_check=False, shutdown_timeout=20, concurrency=2, queues=[queue]
    ):
        sweep_notifications.apply_async(queue=queue)
        sweep_notifications.apply_async(queue=queue)
        _wait_for(lambda: len(smtp_server.messages) == 1)
        time.sleep(1.5)
    assert len(smtp_server.messages) == 1


def test_compose_runs_web_worker_exactly_one_beat_and_mailpit() -> None:
    compose = yaml.safe_load((django_settings.BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    beats = [name for name, s in services.items() if "beat" in (s.get("command") or [])]
    assert beats == ["beat"]
    assert {"web", "beat", "mailpit"} <= set(services)
    workers = [s["command"] for name, s in services.items() if name.startswith("worker")]
    assert len(workers) >= 3  # one pool per queue (tests/test_scaling.py)
    for worker in workers:
        assert "--beat" not in worker and "-B" not in worker
