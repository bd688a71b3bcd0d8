"""Job functions: plain importable functions taking ids, each safe to run twice."""

from __future__ import annotations

import logging
from typing import Any

from aurelius.workers import runtime

TICK = "aurelius.workers.jobs.tick"
DELIVER = "aurelius.workers.jobs.deliver"
BACKUP = "aurelius.workers.jobs.backup"
log = logging.getLogger(__name__)


BATCH = 25  # deliveries per job: claimed and recorded together, sent side by side


def tick() -> int:
    """Record what is due and queue delivery jobs for everything ready to send."""
    services = runtime.services()
    ready = services.deliveries.plan()
    for start in range(0, len(ready), BATCH):
        batch = ready[start : start + BATCH]
        services.queue.enqueue(DELIVER, *batch, job_id=f"deliver-{batch[0]}-{batch[-1]}")
    return len(ready)


def deliver(*delivery_ids: int) -> dict[int, str]:
    return runtime.services().deliveries.send_batch(list(delivery_ids))


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
