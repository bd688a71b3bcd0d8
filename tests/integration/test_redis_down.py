"""A Redis that refuses connections or black-holes them (accepts, never answers) costs
milliseconds: one warning line, the embedded cache, queue and bus, a circuit breaker."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services, build_services
from aurelius.settings import Settings
from aurelius.workers import jobs, runtime
from tests.conftest import NOW, ZONE
from tests.stubs.blackhole import BlackHole
from tests.stubs.webhook import WebhookReceiver


def _refused_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return int(unused.getsockname()[1])


@pytest.fixture(params=["refused", "black-holed"])
def dead_redis(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "refused":
        yield f"redis://:s3cret-pass@127.0.0.1:{_refused_port()}/0"
        return
    with BlackHole() as hole:
        yield f"redis://:s3cret-pass@127.0.0.1:{hole.port}/0"


@pytest.fixture
def degraded(
    database_url: str, dead_redis: str, clock: FixedClock, receiver: WebhookReceiver
) -> Iterator[Services]:
    settings = Settings(database_url=database_url, timezone=ZONE, redis_url=dead_redis,
                        notify_webhook_url=receiver.url)
    services = build_services(settings, clock=clock)
    runtime.use(services)
    yield services
    runtime.use(None)
    services.queue.stop()  # type: ignore[attr-defined]
    services.close()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def test_writes_cost_milliseconds_and_warn_once(
    degraded: Services, caplog: pytest.LogCaptureFixture
) -> None:
    user = degraded.local_user_id()
    started = time.monotonic()
    for number in range(20):
        degraded.tasks.add(user, f"Task {number}")  # each announces itself on the bus
    took = time.monotonic() - started
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert took < 1.0, took  # at most one short timeout, then the breaker is open
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()
    assert "s3cret" not in caplog.text and not any(r.exc_info for r in caplog.records)
    assert len(degraded.tasks.ranked(user)) == 20  # nothing lost


def test_the_embedded_queue_and_bus_stand_in(
    degraded: Services, receiver: WebhookReceiver
) -> None:
    heard: list[str] = []
    degraded.bus.subscribe(lambda topic, payload: heard.append(topic))
    degraded.reminders.add(degraded.local_user_id(), "Stretch", NOW)
    degraded.queue.enqueue(jobs.TICK, job_id="tick")  # goes to the in-process stand-in
    assert degraded.queue.embedded().drain(timeout=10)  # type: ignore[attr-defined]
    assert [r.body["title"] for r in receiver.received] == ["Stretch"]
    assert "reminder.changed" in heard


def test_the_next_process_skips_a_dead_redis_at_once(
    degraded: Services, dead_redis: str, database_url: str
) -> None:
    degraded.tasks.add(degraded.local_user_id(), "opens the breaker")
    other = build_services(Settings(database_url=database_url, timezone=ZONE,
                                    redis_url=dead_redis))
    try:
        started = time.monotonic()
        other.tasks.add(other.local_user_id(), "a second command")
        assert time.monotonic() - started < 0.2  # no timeout paid again
    finally:
        other.close()


def test_the_ai_cache_misses_quietly(degraded: Services) -> None:
    from aurelius.adapters.ai_cache import RedisCache

    cache = RedisCache(degraded.queue.link)  # type: ignore[attr-defined]
    started = time.monotonic()
    assert [cache.get(f"ai:chat:{n}") for n in range(10)] == [None] * 10
    cache.set("ai:chat:x", "{}", 60)
    assert time.monotonic() - started < 0.6


def _command(home: Path, redis_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("aurelius", path=str(Path(sys.executable).parent))
    assert executable
    env = {**os.environ, "AURELIUS_HOME": str(home), "AURELIUS_REDIS_URL": redis_url,
           "AURELIUS_TIMEZONE": ZONE}
    env.pop("AURELIUS_DATABASE_URL", None)
    return subprocess.run([executable, *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def test_the_command_line_with_redis_down(isolated_home: Path, dead_redis: str) -> None:
    added = _command(isolated_home, dead_redis, "task", "add", "Buy milk")
    assert added.returncode == 0 and "Added #1 Buy milk" in added.stdout
    assert len(added.stderr.strip().splitlines()) == 1 and "unreachable" in added.stderr
    status = _command(isolated_home, dead_redis, "jobs", "status")
    assert status.returncode == 0 and "Traceback" not in status.stderr
    assert "RQ on Redis at redis://127.0.0.1:" in status.stdout and "unreachable" in status.stdout
    assert "s3cret" not in status.stdout + status.stderr + added.stderr
    worker = _command(isolated_home, dead_redis, "worker", "--burst")
    assert worker.returncode == 1 and "Traceback" not in worker.stderr
    assert worker.stderr.strip().splitlines()[-1].startswith("Error: Redis at redis://127.0.0.1:")
