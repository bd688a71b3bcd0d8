"""Jobs at scale: a real Redis, real RQ workers, the scheduler's lease."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services, build_services
from aurelius.settings import Settings
from aurelius.workers import jobs, runtime
from aurelius.workers.scheduler import Scheduler
from tests.conftest import NOW, ZONE
from tests.stubs.webhook import WebhookReceiver

REDIS_URL = os.environ.get("AURELIUS_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="AURELIUS_TEST_REDIS_URL is not set")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret="hook-secret") as running:
        yield running


@pytest.fixture
def scaled(database_url: str, clock: FixedClock, receiver: WebhookReceiver) -> Iterator[Services]:
    from redis import Redis

    Redis.from_url(str(REDIS_URL)).flushdb()
    settings = Settings(
        database_url=database_url,
        timezone=ZONE,
        redis_url=REDIS_URL,
        notify_webhook_url=receiver.url,
        notify_webhook_secret="hook-secret",
    )
    services = build_services(settings, clock=clock)
    runtime.use(services)
    yield services
    runtime.use(None)
    services.close()


def work(services: Services) -> None:
    from rq import SimpleWorker

    SimpleWorker([services.queue.queue], connection=services.queue.connection).work(  # type: ignore[attr-defined]
        burst=True
    )


def test_tick_and_rq_worker_deliver_each_reminder_once(
    scaled: Services, receiver: WebhookReceiver
) -> None:
    user = scaled.local_user_id()
    for title in ("Call the bank", "Stretch"):
        scaled.reminders.add(user, title, NOW)
    scaled.queue.enqueue(jobs.TICK, job_id="tick")
    work(scaled)  # runs the tick, which queues two deliveries, which run too
    scaled.queue.enqueue(jobs.TICK, job_id="tick")
    work(scaled)
    assert sorted(r.body["title"] for r in receiver.received) == ["Call the bank", "Stretch"]
    assert receiver.rejected == 0


def test_only_the_leading_scheduler_enqueues(scaled: Services) -> None:
    first, second = Scheduler(scaled, holder="one"), Scheduler(scaled, holder="two")
    assert first.fire() and not second.fire() and first.fire()
    queue = scaled.queue.queue  # type: ignore[attr-defined]
    assert queue.count == 2 and queue.job_ids[0] == "tick"  # and the day's backup
    assert queue.job_ids[1].startswith("backup-")


def test_a_failing_job_is_kept_in_the_failed_registry(scaled: Services) -> None:
    from rq.registry import FailedJobRegistry

    scaled.queue.enqueue(jobs.DELIVER, 999_999, job_id="deliver-missing")
    work(scaled)
    assert jobs.deliver(999_999) == {}  # a missing delivery is not an error
    assert FailedJobRegistry(queue=scaled.queue.queue).count == 0  # type: ignore[attr-defined]


@pytest.mark.postgres
def test_a_worker_killed_mid_job_is_retried_and_delivers_once(
    database_url: str, receiver: WebhookReceiver, tmp_path: Path
) -> None:
    """A real `aurelius worker` process is killed while its job waits on the database;
    the tick hands the delivery out again after the claim timeout and it arrives once."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks make the kill deterministic on PostgreSQL")
    from redis import Redis

    Redis.from_url(str(REDIS_URL)).flushdb()
    settings = Settings(
        database_url=database_url,
        redis_url=REDIS_URL,
        timezone=ZONE,
        notify_webhook_url=receiver.url,
        notify_webhook_secret="hook-secret",
    )
    clock = FixedClock(datetime.now(UTC))
    services = build_services(settings, clock=clock)
    runtime.use(services)
    try:
        services.reminders.add(services.local_user_id(), "Take the pills", clock.now())
        assert jobs.tick() == 1
        with _row_locked(database_url):
            worker = _worker(settings, tmp_path)
            _wait_for_lock_wait(database_url)
            _kill_with_children(worker.pid)
            worker.wait(timeout=30)
        assert receiver.received == []
        clock.instant += timedelta(minutes=3)  # past the claim timeout
        assert jobs.tick() == 1
        _worker(settings, tmp_path).wait(timeout=60)
        assert [r.body["title"] for r in receiver.received] == ["Take the pills"]
    finally:
        runtime.use(None)
        services.close()


@contextmanager
def _row_locked(url: str) -> Iterator[None]:
    engine = create_engine(url)
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(text("SELECT id FROM deliveries FOR UPDATE"))
        yield
        transaction.rollback()
    engine.dispose()


def _worker(settings: Settings, home: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AURELIUS_HOME": str(home),
        "AURELIUS_DATABASE_URL": settings.database_url,
        "AURELIUS_REDIS_URL": str(settings.redis_url),
        "AURELIUS_TIMEZONE": ZONE,
        "AURELIUS_NOTIFY_WEBHOOK_URL": str(settings.notify_webhook_url),
        "AURELIUS_NOTIFY_WEBHOOK_SECRET": "hook-secret",
    }
    command = [sys.executable, "-m", "aurelius", "worker", "--burst"]
    return subprocess.Popen(
        command,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_with_children(pid: int) -> None:
    """SIGKILL a worker and its work horse (RQ puts the horse in a session of its own)."""
    children = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent(entry) == pid
    ]
    for victim in [*children, pid]:
        os.kill(victim, signal.SIGKILL)


def _parent(entry: Path) -> int | None:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _wait_for_lock_wait(url: str) -> None:
    engine = create_engine(url)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                waiting = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query ILIKE 'UPDATE deliveries%'"
                    )
                ).scalar()
            if waiting:
                return
            time.sleep(0.1)
        pytest.fail("the worker never reached the delivery")
    finally:
        engine.dispose()
