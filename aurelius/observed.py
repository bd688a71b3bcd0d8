"""What every long-running process sets up first: logs, error tracking and its metrics port.

`aurelius run`, `worker`, `scheduler`, `serve` and the bots run inside `observed(...)`.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from aurelius import error_tracking, logs

if TYPE_CHECKING:
    from aurelius.bootstrap import Services
    from aurelius.settings import Settings

log = logging.getLogger(__name__)


def start(settings: Settings, process: str) -> Callable[[], None]:
    """Logs and error tracking (the server's metrics are a route of its own); returns what
    puts the previous logging back."""
    restore = logs.configure(settings)
    error_tracking.start(settings, process)
    return restore


@contextmanager
def observed(services: Services, process: str, *, forks: bool = False) -> Iterator[None]:
    """`forks`: the process runs jobs in forked children (RQ's worker), whose figures only
    survive in a multiprocess directory; one is made for it when none is set."""
    restore_logs = start(services.settings, process)
    made = _shared_dir() if forks and _measured(services.settings) else None
    stop = _metrics_port(services)
    try:
        yield
    finally:
        if stop:
            stop()
        from aurelius.adapters.prometheus_metrics import process_exited

        process_exited()
        if made:
            shutil.rmtree(made, ignore_errors=True)
        restore_logs()


def _shared_dir() -> str | None:
    """The directory forked job runners write to; prometheus_client is loaded here, once,
    rather than in every child (it reads the variable when it is imported)."""
    from aurelius.adapters.prometheus_metrics import MULTIPROC_VARIABLE

    made = None
    if not os.environ.get(MULTIPROC_VARIABLE):
        made = tempfile.mkdtemp(prefix="aurelius-metrics-")
        os.environ[MULTIPROC_VARIABLE] = made
    with suppress(ImportError):
        import prometheus_client  # noqa: F401
    return made


def _measured(settings: Settings) -> bool:
    from aurelius.adapters.prometheus_metrics import multiprocess

    return bool(settings.metrics_port) or multiprocess()


def _metrics_port(services: Services) -> Callable[[], None] | None:
    settings = services.settings
    if not settings.metrics_port:
        return None
    from aurelius.adapters.prometheus_metrics import multiprocess, serve

    try:
        stop = serve(settings.metrics_port, settings.metrics_host,
                     getattr(services.queue, "depth", None))
    except OSError as error:
        shared = " (another process may serve the shared figures)" if multiprocess() else ""
        log.warning("metrics port %s unavailable: %s%s", settings.metrics_port,
                    error.strerror or error, shared)
        return None
    log.info("metrics at http://%s:%s/metrics", settings.metrics_host, settings.metrics_port)
    return stop
