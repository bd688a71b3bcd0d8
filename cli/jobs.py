"""Background work: `aurelius run` (embedded), `worker`, `scheduler`, `jobs status|retry`."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Annotated

import typer

from cli import context, render
from cli.app import group

if TYPE_CHECKING:
    from aurelius.bootstrap import Services

app = group("Background jobs: status of queues, workers, failures and deliveries.")


def run() -> None:
    """Run everything in this process: scheduler and worker threads, no servers needed.
    It shows what it delivers next and when, and every delivery that failed."""
    from aurelius.observed import observed

    services = context.services()
    with observed(services, "run"):
        _run(services)


def _run(services: Services) -> None:
    import sys

    from aurelius.warm.control import keep_warm
    from aurelius.workers import runtime
    from aurelius.workers.scheduler import Scheduler
    from aurelius.workers.watch import RunWatch, follow

    keep_warm()
    if services.settings.redis_url:
        render.say("AURELIUS_REDIS_URL is set: jobs go to Redis; start `aurelius worker` too.")
    runtime.use(services)
    _call(services.queue, "start")
    render.say(
        f"Aurelius is running ({context.timezone()}); reminders and briefs are delivered. "
        "Ctrl-C stops."
    )
    stop = _stop_on_signals()
    scheduling = threading.Thread(target=Scheduler(services).run, args=(stop,), daemon=True)
    scheduling.start()
    watch = RunWatch(services, context.user_id(), sys.stdout)
    follow(watch, stop, services.settings.tick_seconds)
    scheduling.join(timeout=15)
    _call(services.queue, "stop")
    render.say("\nStopped.")


def _call(queue: object, method: str) -> None:
    """Start or stop a queue that has threads (the embedded one, RQ's stand-in)."""
    found = getattr(queue, method, None)
    if found:
        found()


def worker(
    burst: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
    simple: Annotated[bool, typer.Option(help="Run jobs in this process (no fork).")] = False,
) -> None:
    """An RQ worker on Redis (AURELIUS_REDIS_URL); run as many as you need."""
    from aurelius.observed import observed
    from aurelius.workers.rq_worker import work

    services = context.services()
    with observed(services, "worker", forks=not simple):
        work(services, burst=burst, simple=simple)


def scheduler() -> None:
    """The scheduler for scale-out: only one copy leads at a time, the others stand by."""
    from aurelius.observed import observed
    from aurelius.workers.scheduler import Scheduler

    services = context.services()
    render.say("Scheduler started; it leads while it holds the lease, else stands by.")
    with observed(services, "scheduler"):
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
