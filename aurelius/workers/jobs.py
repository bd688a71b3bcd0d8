"""Job functions: plain importable functions taking ids, each safe to run twice."""

from __future__ import annotations

import logging
from typing import Any

from aurelius.workers import runtime

TICK = "aurelius.workers.jobs.tick"
DELIVER = "aurelius.workers.jobs.deliver"
log = logging.getLogger(__name__)


def tick() -> int:
    """Record what is due and queue one delivery job per ready delivery."""
    services = runtime.services()
    ready = services.deliveries.plan()
    for delivery_id in ready:
        services.queue.enqueue(DELIVER, delivery_id, job_id=f"deliver-{delivery_id}")
    return len(ready)


def deliver(delivery_id: int) -> str:
    return runtime.services().deliveries.send(delivery_id)


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
