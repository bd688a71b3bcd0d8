"""Job functions: plain importable functions taking ids, each safe to run twice."""

from __future__ import annotations

import logging
from typing import Any

from aurelius.workers import runtime

TICK = "aurelius.workers.jobs.tick"
DELIVER = "aurelius.workers.jobs.deliver"
SYNC = "aurelius.workers.jobs.sync_connection"
PUSH = "aurelius.workers.jobs.push_writes"
BACKUP = "aurelius.workers.jobs.backup"
log = logging.getLogger(__name__)


BATCH = 25  # deliveries per job: claimed and recorded together, sent side by side


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


def deliver(*delivery_ids: int) -> dict[int, str]:
    return runtime.services().deliveries.send_batch(list(delivery_ids))


def sync_connection(connection_id: int, full: bool = False) -> str:
    """Push a connection's pending writes and pull its calendars (a revoked grant or an
    outage is recorded on the connection, never raised)."""
    return runtime.services().sync.sync_connection(connection_id, full).line()


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
