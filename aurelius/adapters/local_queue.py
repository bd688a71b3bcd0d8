"""The embedded job queue: worker threads in this process, with retries and backoff.

A job that still fails after its retries is recorded in the `jobs` table, where
`aurelius jobs status` shows it and `aurelius jobs retry ID` runs it again.
"""

from __future__ import annotations

import importlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aurelius import correlation
from core.ports import Metrics, NoMetrics

log = logging.getLogger(__name__)
RETRY_DELAYS = (1.0, 5.0, 30.0)
Failure = Callable[[str, tuple[Any, ...], str], None]


def resolve(function: str) -> Callable[..., Any]:
    module, _, name = function.rpartition(".")
    target: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return target


class InProcessQueue:
    def __init__(
        self,
        workers: int = 4,
        on_failure: Failure | None = None,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or NoMetrics()
        self.workers = workers
        self.on_failure = on_failure
        self.retry_delays = retry_delays
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._queued: set[str] = set()
        self._outstanding = 0  # queued, running or waiting to be retried
        self._idle = threading.Condition()
        self._threads: list[threading.Thread] = []

    def enqueue(self, function: str, *args: Any, job_id: str | None = None) -> None:
        with self._idle:
            if job_id is not None:
                if job_id in self._queued:
                    return  # the same work is already waiting
                self._queued.add(job_id)
            self._outstanding += 1
        self.metrics.count("aurelius_jobs_queued_total", kind=job_kind(function))
        self._jobs.put(Job(function, args, job_id, request_id=correlation.current()))

    def start(self) -> None:
        for number in range(self.workers):
            thread = threading.Thread(
                target=self._work, name=f"aurelius-worker-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every job, retries included, has finished; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._outstanding == 0, timeout)

    def depth(self) -> float:
        """Jobs waiting for a worker thread (the queue depth operators watch)."""
        return float(self._jobs.qsize())

    def pending(self) -> int:
        with self._idle:
            return self._outstanding

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            if job.job_id is not None:
                with self._idle:
                    self._queued.discard(job.job_id)
            try:
                with correlation.bound(job.request_id):
                    resolve(job.function)(*job.args)
            except Exception as error:  # a job's failure must not kill the worker thread
                if self._retry(job, error):
                    continue
            self._done()

    def _retry(self, job: Job, error: Exception) -> bool:
        if job.attempt < len(self.retry_delays):
            log.warning("job %s%r failed (%s); retrying", job.function, job.args, error)
            again = Job(job.function, job.args, job.job_id, job.attempt + 1, job.request_id)
            threading.Timer(self.retry_delays[job.attempt], self._jobs.put, (again,)).start()
            return True
        log.error("job %s%r failed for good: %s", job.function, job.args, error)
        if self.on_failure:
            self.on_failure(job.function, job.args, f"{type(error).__name__}: {error}")
        return False

    def _done(self) -> None:
        with self._idle:
            self._outstanding -= 1
            self._idle.notify_all()


@dataclass(frozen=True)
class Job:
    function: str
    args: tuple[Any, ...]
    job_id: str | None = None
    attempt: int = 0
    request_id: str | None = None  # the correlation id of whatever enqueued it


def job_kind(function: str) -> str:
    """The label of a job in metrics and logs: its function's name (`tick`, `deliver`)."""
    return function.rpartition(".")[2]
