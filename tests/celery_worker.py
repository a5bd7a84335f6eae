"""A real Celery worker on a queue of the test's own.

Parallel test processes share one Redis database: a worker on the default queue would take
another process's tasks and run them against its own test database (and the other test
would wait in vain). Inside ``own_worker()`` tasks sent without an explicit queue (``delay``
from the code under test, whatever queue the task is routed to in production) go to a fresh
queue that only this worker consumes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery.contrib.testing.worker import start_worker

from skydd.celery import app


def _reroute() -> None:
    """Make the next send read ``task_routes`` again: the router (and its table) is built
    once per process, at the first send."""
    app.amqp.flush_routes()
    del app.amqp.router


@contextmanager
def own_worker(**kwargs: Any) -> Iterator[str]:
    queue = f"test-{uuid.uuid4().hex}"
    previous, previous_routes = app.conf.task_default_queue, app.conf.task_routes
    app.conf.task_default_queue = queue  # read by the router on every send
    # Routed tasks (CELERY_TASK_ROUTES: mail, notifications, maintenance) come here too.
    app.conf.task_routes = {"*": {"queue": queue}}
    _reroute()
    try:
        with start_worker(
            app, perform_ping_check=False, shutdown_timeout=20, queues=[queue], **kwargs
        ):
            yield queue
    finally:
        app.conf.task_default_queue, app.conf.task_routes = previous, previous_routes
        _reroute()
