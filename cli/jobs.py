"""Background work: `aurelius run` (embedded), `worker`, `scheduler`, `jobs status|retry`."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from cli import context, render
from cli.app import group

app = group("Background jobs: status of queues, workers, failures and deliveries.")


def run() -> None:
    """Run everything in this process: scheduler and worker threads, no servers needed."""
    from aurelius.warm.control import keep_warm
    from aurelius.workers import runtime
    from aurelius.workers.scheduler import Scheduler

    services = context.services()
    keep_warm()
    if services.settings.redis_url:
        render.say("AURELIUS_REDIS_URL is set: jobs go to Redis; start `aurelius worker` too.")
    runtime.use(services)
    start = getattr(services.queue, "start", None)
    if start:
        start()
    render.say(
        f"Aurelius is running ({context.timezone()}); reminders and briefs are delivered. "
        "Ctrl-C stops."
    )
    Scheduler(services).run(_stop_on_signals())
    stop = getattr(services.queue, "stop", None)
    if stop:
        stop()


def worker(
    burst: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
    simple: Annotated[bool, typer.Option(help="Run jobs in this process (no fork).")] = False,
) -> None:
    """An RQ worker on Redis (AURELIUS_REDIS_URL); run as many as you need."""
    from rq import SimpleWorker, Worker

    from aurelius.adapters.rq_queue import QUEUE
    from core.errors import ConfigError

    services = context.services()
    if not services.settings.redis_url:
        raise ConfigError(
            "`aurelius worker` needs Redis: set AURELIUS_REDIS_URL. Without it, "
            "`aurelius run` does the work in one process."
        )
    kind = SimpleWorker if simple else Worker
    kind([QUEUE], connection=services.queue.connection).work(burst=burst)  # type: ignore[attr-defined]


def scheduler() -> None:
    """The scheduler for scale-out: only one copy leads at a time, the others stand by."""
    from aurelius.workers.scheduler import Scheduler

    services = context.services()
    render.say("Scheduler started; it leads while it holds the lease, else stands by.")
    Scheduler(services).run(_stop_on_signals())


@app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Queues, workers, failed jobs, deliveries by state and what is due next."""
    from aurelius.workers.status import collect

    report = collect(context.services())
    if as_json:
        render.print_raw(report)
        return
    for section, values in report.items():
        render.say(f"{section}:")
        for key, value in values.items() if isinstance(values, dict) else enumerate(values):
            render.say(f"  {key}: {value}")


@app.command("retry")
def retry(
    job_id: Annotated[str, typer.Argument(help="A failed job's id from `jobs status`.")],
) -> None:
    """Run a failed job again (jobs are idempotent)."""
    from aurelius.workers.status import retry as retry_job

    render.say(retry_job(context.services(), job_id))


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    return stop
