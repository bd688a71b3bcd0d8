"""Jobs at scale: a real Redis, real RQ workers, the scheduler's lease."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

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
    assert queue.count == 1 and queue.job_ids == ["tick"]


def test_a_failing_job_is_kept_in_the_failed_registry(scaled: Services) -> None:
    from rq.registry import FailedJobRegistry

    scaled.queue.enqueue(jobs.DELIVER, 999_999, job_id="deliver-missing")
    work(scaled)
    assert jobs.deliver(999_999) == {}  # a missing delivery is not an error
    assert FailedJobRegistry(queue=scaled.queue.queue).count == 0  # type: ignore[attr-defined]
