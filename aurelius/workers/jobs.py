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
log = logging.getLogger(__name__)


BATCH = 25  # deliveries per job: claimed and recorded together, sent side by side
Result = TypeVar("Result")


def job(run: Callable[..., Result]) -> Callable[..., Result]:
    """A job function, measured and logged under the correlation id of what enqueued it."""
    kind = run.__name__

    @functools.wraps(run)
    def measured(*args: Any) -> Result:
        metrics = runtime.services().metrics
        with correlation.bound(correlation.current() or _queued_by()):
            metrics.count("aurelius_jobs_started_total", kind=kind)
            started = time.monotonic()
            try:
                result = run(*args)
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
    """Record what is due and queue delivery jobs for everything ready to send."""
    services = runtime.services()
    ready = services.deliveries.plan()
    for start in range(0, len(ready), BATCH):
        batch = ready[start : start + BATCH]
        services.queue.enqueue(DELIVER, *batch, job_id=f"deliver-{batch[0]}-{batch[-1]}")
    return len(ready)


@job
def deliver(*delivery_ids: int) -> dict[int, str]:
    return runtime.services().deliveries.send_batch(list(delivery_ids))


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
