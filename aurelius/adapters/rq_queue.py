"""The job queue at scale: RQ on Redis. Workers run `aurelius worker`."""

from __future__ import annotations

from typing import Any

QUEUE = "aurelius"
RETRY_INTERVALS = [1, 5, 30]


class RQQueue:
    def __init__(self, redis_url: str) -> None:
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(redis_url)
        self.queue = Queue(QUEUE, connection=self.connection)

    def enqueue(self, function: str, *args: Any, job_id: str | None = None) -> None:
        from rq import Retry

        if job_id is not None and self._waiting(job_id):
            return  # the same work is already queued (jobs are idempotent, so a race is harmless)
        self.queue.enqueue(
            function,
            *args,
            job_id=job_id,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            failure_ttl=7 * 24 * 3600,
        )

    def _waiting(self, job_id: str) -> bool:
        job = self.queue.fetch_job(job_id)
        return job is not None and job.get_status() in ("queued", "scheduled", "deferred")
