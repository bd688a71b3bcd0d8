"""The moving parts: Redis, RQ workers and their queue, and the scheduler's lease."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aurelius.doctor import Check, failed, passed
from aurelius.doctor.storage import at_head, engine
from core.redaction import mask_credentials

if TYPE_CHECKING:
    from aurelius.settings import Settings

STUCK_SECONDS = 60.0  # the oldest waiting job is this old: nothing is taking jobs
START_WORKER = "aurelius worker (start at least one next to the scheduler)"


def redis_and_workers(settings: Settings) -> Iterator[Check]:
    if not settings.redis_url:
        yield passed("queue", "embedded: jobs run inside `aurelius run`")
        return
    from redis import Redis

    shown = mask_credentials(settings.redis_url)
    connection = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        connection.ping()
    except Exception as error:  # refused, timed out, wrong password: all mean "unreachable"
        yield failed("redis", f"cannot reach {shown} ({mask_credentials(str(error))})",
                     "start Redis, fix AURELIUS_REDIS_URL, or unset it to use the embedded "
                     "queue")
        return
    yield passed("redis", f"reachable: {shown}")
    yield from _rq(connection)


def _rq(connection: Any) -> Iterator[Check]:
    from rq import Queue, Worker

    from aurelius.adapters.rq_queue import QUEUE

    queue = Queue(QUEUE, connection=connection)
    workers = Worker.all(queue=queue)
    if workers:
        yield passed("workers", f"{len(workers)} RQ worker(s) alive")
    else:
        yield failed("workers", "no RQ worker is running: jobs wait in Redis", START_WORKER)
    waited = _oldest_wait(queue)
    if waited is not None and waited > STUCK_SECONDS:
        yield failed("queue", f"{queue.count} job(s) waiting, the oldest for {waited:.0f} s",
                     f"{START_WORKER}; see aurelius jobs status")
    else:
        yield passed("queue", f"{queue.count} job(s) waiting")


def _oldest_wait(queue: Any) -> float | None:
    ids = queue.get_job_ids(0, 1)
    job = queue.fetch_job(ids[0]) if ids else None
    if job is None or job.enqueued_at is None:
        return None
    at = job.enqueued_at if job.enqueued_at.tzinfo else job.enqueued_at.replace(tzinfo=UTC)
    return float((datetime.now(UTC) - at).total_seconds())


def scheduler(settings: Settings) -> Iterator[Check]:
    """One leader holds the `scheduler` lease; nobody holding it matters once anything is
    scheduled, or in a scale-out set-up (Redis), where a scheduler must always run."""
    from sqlalchemy import text

    if not at_head(settings):
        return
    with engine(settings.effective_database_url).connect() as connection:
        lease = connection.execute(text(
            "SELECT holder, expires_at FROM leases WHERE name = 'scheduler'")).first()
        scheduled = connection.execute(text(
            "SELECT count(*) FROM reminders WHERE status = 'scheduled'")).scalar()
    if lease is not None and _aware(lease.expires_at) > datetime.now(UTC):
        yield passed("scheduler", f"one leader: {lease.holder}")
    elif settings.redis_url or scheduled:
        yield failed("scheduler", "no scheduler holds the lease: reminders and briefs are "
                     "not going out", "aurelius scheduler (with Redis), or aurelius run")
    else:
        yield passed("scheduler", "none running; nothing is scheduled yet")


def _aware(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
