"""The job queue at scale: RQ on Redis. Workers run `aurelius worker`.

While Redis is unreachable, jobs run on the embedded queue of this process instead (jobs
are idempotent and their state lives in the database, so nothing is lost or done twice).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from aurelius import correlation
from aurelius.adapters.local_queue import job_kind
from aurelius.adapters.redis_link import RedisLink
from core.ports import JobQueue, Metrics, NoMetrics

QUEUE = "aurelius"
RETRY_INTERVALS = [1, 5, 30]


class RQQueue:
    def __init__(self, link: RedisLink, fallback: Callable[[], JobQueue],
                 metrics: Metrics | None = None) -> None:
        from rq import Queue

        self.metrics = metrics or NoMetrics()
        self.link = link
        self.connection = link.client()
        self.queue = Queue(QUEUE, connection=self.connection)
        self._make_fallback = fallback
        self._fallback: JobQueue | None = None
        self._lock = threading.Lock()

    def enqueue(self, function: str, *args: Any, job_id: str | None = None) -> None:
        self.link.call(
            lambda _: self._enqueue(function, args, job_id),
            lambda: self.embedded().enqueue(function, *args, job_id=job_id),
        )

    def depth(self) -> float | None:
        """Jobs waiting in Redis; None while it cannot be reached."""
        return self.link.call(lambda _: float(self.queue.count), lambda: None)

    def embedded(self) -> JobQueue:
        """The stand-in queue, started on first need."""
        with self._lock:
            if self._fallback is None:
                self._fallback = self._make_fallback()
                start = getattr(self._fallback, "start", None)
                if start:
                    start()
            return self._fallback

    def stop(self) -> None:
        stop = getattr(self._fallback, "stop", None)
        if stop:
            stop()

    def _enqueue(self, function: str, args: tuple[Any, ...], job_id: str | None) -> None:
        from rq import Retry

        if job_id is not None and self._waiting(job_id):
            return  # the same work is already queued (jobs are idempotent, so a race is harmless)
        self.queue.enqueue(
            function,
            *args,
            job_id=job_id,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            failure_ttl=7 * 24 * 3600,
            meta={correlation.META_KEY: correlation.current()},
        )
        self.metrics.count("aurelius_jobs_queued_total", kind=job_kind(function))

    def _waiting(self, job_id: str) -> bool:
        job = self.queue.fetch_job(job_id)
        return job is not None and job.get_status() in ("queued", "scheduled", "deferred")
