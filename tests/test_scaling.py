"""Past one machine (README "Operations"): every Celery queue has a worker pool in the compose
file, exactly one beat runs, the app connects as the non-owner role everywhere, and the
statistics figures – and only they – may read from a replica; unset, one database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from skydd.celery import app
from skydd.dbrouting import StatisticsReplicaRouter, statistics_reads
from skydd.redisconf import SentinelPool, sentinel_broker_url
from tests.celery_worker import own_worker
from tests.statistics import dataset

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
APP_SERVICES = {name: s for name, s in SERVICES.items() if s.get("image") == "skydd:latest"}


def _command(service: dict[str, Any]) -> list[str]:
    return [str(part) for part in service.get("command") or []]


def _consumed_queues() -> set[str]:
    queues: set[str] = set()
    for service in APP_SERVICES.values():
        command = _command(service)
        if command[:4] == ["celery", "-A", "skydd", "worker"]:
            assert "--queues" in command, "a worker pool names its queues"
            queues |= set(command[command.index("--queues") + 1].split(","))
    return queues


def test_every_task_is_routed_to_a_queue_a_worker_pool_consumes() -> None:
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert len(ours) >= 4
    consumed = _consumed_queues()
    assert set(settings.CELERY_QUEUES_CONSUMED) <= consumed
    for name in ours:
        route = settings.CELERY_TASK_ROUTES.get(name, {"queue": app.conf.task_default_queue})
        assert route["queue"] in consumed, name
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in ours


def _queue_of(task: str) -> str:
    return str(app.amqp.router.route({}, task)["queue"].name)


def test_tasks_go_to_their_queues_and_to_a_test_workers_own_queue_inside_it() -> None:
    assert _queue_of("accounts.tasks.send_account_email") == "mail"
    assert _queue_of("notifications.tasks.sweep_notifications") == "notifications"
    assert _queue_of("cases.tasks.purge_expired_cases") == "maintenance"
    assert _queue_of("an.unrouted.task") == "default"
    with own_worker() as queue:
        assert _queue_of("accounts.tasks.send_account_email") == queue
        assert _queue_of("cases.tasks.purge_expired_cases") == queue
    assert _queue_of("accounts.tasks.send_account_email") == "mail"


def test_exactly_one_scheduler() -> None:
    beat = ["celery", "-A", "skydd", "beat"]
    beats = [s for s in APP_SERVICES.values() if _command(s)[:4] == beat]
    assert len(beats) == 1
    assert beats[0]["deploy"]["replicas"] == 1


def test_web_is_replicated_behind_the_load_balancer() -> None:
    assert "ports" not in SERVICES["web"], "only the load balancer publishes a port"
    assert SERVICES["web"]["deploy"]["replicas"]
    assert SERVICES["lb"]["ports"] == ["127.0.0.1:8000:8080"]
    conf = (ROOT / "docker" / "nginx" / "skydd.conf").read_text(encoding="utf-8")
    assert "server web:8000 resolve" in conf
    # The client address of login throttling is the TLS proxy's rightmost entry: this hop
    # must pass X-Forwarded-For on unchanged, never append its own.
    assert "proxy_set_header X-Forwarded-For $http_x_forwarded_for;" in conf
    assert "proxy_add_x_forwarded_for" not in conf


def test_the_app_connects_as_the_non_owner_role_everywhere_but_migrate() -> None:
    for name, service in APP_SERVICES.items():
        env = service["environment"]
        role = "skydd_owner" if name == "migrate" else "skydd_app"
        assert env["DATABASE_URL"].startswith(f"postgres://{role}:"), name
        if "STATISTICS_DATABASE_URL" in env:
            assert env["STATISTICS_DATABASE_URL"].startswith("postgres://skydd_app:"), name
            assert "@postgres-statistics:" in env["STATISTICS_DATABASE_URL"]
        assert env["REDIS_SENTINELS"].count(":26379") == 3
    assert "DATABASE_APP_ROLE" not in SERVICES["web"]["environment"]


def test_the_router_sends_only_statistics_reads_to_the_replica() -> None:
    router = StatisticsReplicaRouter()
    with override_settings(STATISTICS_DATABASE="statistics"):
        assert router.db_for_read(object) is None
        with statistics_reads() as alias:
            assert alias == "statistics"
            assert router.db_for_read(object) == "statistics"
            assert not hasattr(router, "db_for_write")  # writes: always the primary
        assert router.db_for_read(object) is None
    with statistics_reads() as alias:
        assert alias == "default"
        assert router.db_for_read(object) is None
    assert router.allow_migrate("statistics", "cases") is False
    assert router.allow_migrate("default", "cases") is None


@pytest.mark.django_db
def test_without_a_replica_the_statistics_page_uses_the_one_database(
    unit_a, unit_b, koping, sala, handler, head, social, login
) -> None:
    assert settings.STATISTICS_DATABASE == "default"
    assert list(settings.DATABASES) == ["default"]
    dataset.build(unit_a, unit_b, koping, sala, handler, head, social)
    client = login(head)
    with (
        time_machine.travel(dataset.TODAY, tick=False),
        CaptureQueriesContext(connections["default"]) as queries,
    ):
        assert client.get(reverse("statistics:page")).status_code == 200
    assert len(queries) > 20
    assert [alias for alias in connections if alias != "default"] == []


def _without_tokens(html: bytes) -> bytes:
    """The page without what differs per response (CSP nonces, CSRF tokens)."""
    return re.sub(rb'(nonce|value)="[A-Za-z0-9_\-+/=]{16,}"', b"", html)


@pytest.mark.django_db(transaction=True)
def test_with_a_replica_the_figures_are_read_there_and_nothing_else(
    unit_a, unit_b, koping, sala, handler, head, social, login
) -> None:
    """A second connection to the same database stands in for the replica: the figures'
    queries go there, the session, the scope and the menu stay on the primary, and the page
    is the same as with one database."""
    dataset.build(unit_a, unit_b, koping, sala, handler, head, social)
    client = login(head)
    url = reverse("statistics:page") + "?period=last_month"
    with time_machine.travel(dataset.TODAY, tick=False):
        one_database = client.get(url).content
    # Not in settings.DATABASES (so not a test database of its own): a second connection,
    # made here, under the alias the router answers.
    replica_connection = load_backend(settings.DATABASES["default"]["ENGINE"]).DatabaseWrapper(
        {**connections["default"].settings_dict}, alias="statistics"
    )
    connections["statistics"] = replica_connection
    try:
        with (
            override_settings(STATISTICS_DATABASE="statistics"),
            time_machine.travel(dataset.TODAY, tick=False),
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["statistics"]) as replica,
        ):
            response = client.get(url)
    finally:
        replica_connection.close()
        del connections["statistics"]
    assert response.status_code == 200
    assert _without_tokens(response.content) == _without_tokens(one_database)
    assert len(replica) >= 20
    primary_sql = " ".join(q["sql"] for q in primary.captured_queries)
    assert "accounts_membership" in primary_sql  # the scope, decided on the primary
    assert "django_session" in primary_sql
    replica_sql = " ".join(q["sql"] for q in replica.captured_queries)
    assert "accounts_membership" not in replica_sql
    assert "django_session" not in replica_sql
    assert not any(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for q in replica.captured_queries
    )


def _settings_in_a_subprocess(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "STATISTICS_"))}
    clean |= {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "skydd.settings"} | env
    return subprocess.run(
        [sys.executable, "-c", "import skydd.settings as s; " + code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_statistics_database_url_adds_a_replica_alias_that_tests_mirror() -> None:
    result = _settings_in_a_subprocess(
        {"STATISTICS_DATABASE_URL": "postgres://skydd_app:pw@replica.example:5433/skydd"},
        "d = s.DATABASES['statistics']; "
        "print(s.STATISTICS_DATABASE, d['HOST'], d['PORT'], d['USER'], d['TEST']['MIRROR'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "statistics",
        "replica.example",
        "5433",
        "skydd_app",
        "default",
    ]


@pytest.mark.parametrize(("setting", "threshold"), [("", "2147483648"), ("0", "None")])
def test_prepared_statements_are_only_asked_for_and_can_be_turned_off(
    setting: str, threshold: str
) -> None:
    """psycopg prepares only the statements cases.roundtrip asks it to (a threshold never
    reached); DATABASE_PREPARED_STATEMENTS=0, for a pooler that cannot carry them, none."""
    env = {"DATABASE_URL": "postgres://skydd:pw@db.example:5432/skydd"}
    if setting:
        env["DATABASE_PREPARED_STATEMENTS"] = setting
    result = _settings_in_a_subprocess(
        env, "print(s.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [threshold]


def test_redis_sentinels_configure_broker_and_cache() -> None:
    result = _settings_in_a_subprocess(
        {
            "REDIS_URL": "redis://:secret@ignored:6379/3",
            "REDIS_SENTINELS": "s1:26379, s2:26380,s3",
            "REDIS_SENTINEL_MASTER": "skydd-main",
        },
        "print(s.CELERY_BROKER_URL); print(s.CELERY_BROKER_TRANSPORT_OPTIONS['master_name']); "
        "print(s.CACHES['default']['OPTIONS']['pool_class']); print(s.REDIS_SENTINELS)",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "sentinel://:secret@s1:26379/3;sentinel://:secret@s2:26380/3;sentinel://:secret@s3:26379/3"
    )
    assert lines[1:] == [
        "skydd-main",
        "skydd.redisconf.SentinelPool",
        "[('s1', 26379), ('s2', 26380), ('s3', 26379)]",
    ]


@pytest.mark.parametrize(
    "env",
    [
        {"REDIS_URL": "redis://r:6379/0", "REDIS_SENTINELS": "s1:sixty"},
        {"REDIS_URL": "redis://r:6379/0", "REDIS_SENTINELS": ":26379"},
        {"REDIS_SENTINELS": "s1:26379"},
    ],
)
def test_a_bad_sentinel_setting_stops_the_process(env: dict[str, str]) -> None:
    result = _settings_in_a_subprocess(env, "print('started')")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_without_sentinels_the_broker_and_cache_are_the_plain_url() -> None:
    result = _settings_in_a_subprocess(
        {"REDIS_URL": "redis://r:6379/2"},
        "print(s.CELERY_BROKER_URL, 'pool_class' in s.CACHES['default']['OPTIONS'], "
        "'master_name' in s.CELERY_BROKER_TRANSPORT_OPTIONS)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://r:6379/2", "False", "False"]


def test_sentinel_pool_asks_for_the_named_master_with_the_urls_database() -> None:
    with override_settings(REDIS_SENTINELS=[("s1", 26379)], REDIS_SENTINEL_MASTER="skydd"):
        pool = SentinelPool.from_url("redis://:pw@ignored:6379/4", socket_timeout=2)
    assert pool.service_name == "skydd"
    assert pool.connection_kwargs["db"] == 4
    assert pool.connection_kwargs["password"] == "pw"
    assert pool.connection_kwargs["socket_timeout"] == 2
    assert pool.sentinel_manager.sentinels[0].connection_pool.connection_kwargs["host"] == "s1"
    assert sentinel_broker_url("redis://r:6379", [("a", 1)]) == "sentinel://a:1/0"
