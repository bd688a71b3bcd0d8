"""Job functions: plain importable functions taking ids, each safe to run twice."""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from aurelius import correlation
from aurelius.workers import runtime

TICK = "aurelius.workers.jobs.tick"
DELIVER = "aurelius.workers.jobs.deliver"
SYNC = "aurelius.workers.jobs.sync_connection"
PUSH = "aurelius.workers.jobs.push_writes"
BACKUP = "aurelius.workers.jobs.backup"
log = logging.getLogger(__name__)


BATCH = 25  # deliveries per job: claimed and recorded together, sent side by side
Result = TypeVar("Result")


def job(run: Callable[..., Result]) -> Callable[..., Result]:
    """A job function, measured and logged under the correlation id of what enqueued it."""
    kind = run.__name__

    @functools.wraps(run)
    def measured(*args: Any, **options: Any) -> Result:
        metrics = runtime.services().metrics
        with correlation.bound(correlation.current() or _queued_by()):
            metrics.count("aurelius_jobs_started_total", kind=kind)
            started = time.monotonic()
            try:
                result = run(*args, **options)
            except Exception:
                metrics.count("aurelius_jobs_failed_total", kind=kind)
                log.exception("job %s%r failed", kind, args)
                raise
            finally:
                seconds = time.monotonic() - started
                metrics.observe("aurelius_job_duration_seconds", seconds, kind=kind)
            log.debug("job %s%r done in %.3f s", kind, args, seconds)
            return result

    return measured


def _queued_by() -> str | None:
    """Under an RQ worker: the correlation id the enqueuing process put in the job's meta."""
    if "rq" not in sys.modules:
        return None
    from rq import get_current_job

    current = get_current_job()
    found = current.meta.get(correlation.META_KEY) if current else None
    return found if isinstance(found, str) else None


@job
def tick() -> int:
    """Record what is due and queue delivery jobs for everything ready to send; queue the
    calendar syncs and pushes that are due."""
    services = runtime.services()
    try:
        sync_due()
    except Exception:  # a sync hiccup must not hold up reminders
        log.exception("could not plan calendar syncs")
    ready = services.deliveries.plan()
    for start in range(0, len(ready), BATCH):
        batch = ready[start : start + BATCH]
        services.queue.enqueue(DELIVER, *batch, job_id=f"deliver-{batch[0]}-{batch[-1]}")
    return len(ready)


@job
def deliver(*delivery_ids: int) -> dict[int, str]:
    return runtime.services().deliveries.send_batch(list(delivery_ids))


@job
def sync_connection(connection_id: int, full: bool = False) -> str:
    """Push a connection's pending writes and pull its calendars (a revoked grant or an
    outage is recorded on the connection, never raised)."""
    services = runtime.services()
    provider, lag = _staleness(services, connection_id)
    report = services.sync.sync_connection(connection_id, full)
    services.metrics.count("aurelius_sync_runs_total", provider=provider,
                           outcome="error" if report.error else "ok")
    if lag is not None:
        services.metrics.observe("aurelius_sync_lag_seconds", lag, provider=provider)
    return report.line()


def _staleness(services: Any, connection_id: int) -> tuple[str, float | None]:
    """The connection's provider, and how long ago it last synced (None: never, or gone)."""
    from core.models import Connection

    with services.db.transaction() as session:
        found = session.get(Connection, connection_id)
        if found is None:
            return "unknown", None
        last = found.last_sync_at
        lag = (services.clock.now() - last).total_seconds() if last else None
        return found.provider, lag


@job
def push_writes(connection_id: int) -> int:
    """Send the connection's due outbox rows (the rest wait, backing off)."""
    return runtime.services().sync.push_pending(connection_id)


def sync_due() -> int:
    """Queue a sync of every active connection not synced for `sync_minutes`, and a push
    for every connection with writes due; the number of jobs queued."""
    services = runtime.services()
    every = services.settings.sync_minutes
    stale, pushing = services.sync.due(services.clock.now(), every)
    for connection_id in stale:
        services.queue.enqueue(SYNC, connection_id, job_id=f"sync-{connection_id}")
    for connection_id in set(pushing) - set(stale):
        services.queue.enqueue(PUSH, connection_id, job_id=f"push-{connection_id}")
    return len(stale) + len(set(pushing) - set(stale))


def backup() -> str | None:
    """Today's scheduled backup, then pruning by the retention settings (skipped when done)."""
    from aurelius.backup.service import Backups

    made = Backups(runtime.services().settings).daily()
    if made is not None:
        log.info("backed up to %s", made)
    return str(made) if made else None


def record_failure(function: str, args: tuple[Any, ...], error: str) -> None:
    """Keep a job that failed for good, so `aurelius jobs` shows it and can re-run it."""
    from core.models import JobRecord
    from core.models.base import utcnow

    try:
        with runtime.services().db.transaction() as session:
            session.add(
                JobRecord(
                    function=function,
                    args=list(args),
                    state="failed",
                    attempts=1,
                    last_error=error[:1000],
                    finished_at=utcnow(),
                )
            )
    except Exception:  # recording must never take the worker down with it
        log.exception("could not record the failure of %s%r", function, args)
