"""The `Metrics` port on `prometheus_client`, and the text operators scrape.

`prometheus_client` is imported on the first measurement, so a command that measures
nothing never loads it; without the `ops` extra every measurement is dropped.

Several processes (a forking RQ worker, workers side by side) share their figures through
`PROMETHEUS_MULTIPROC_DIR`: each process writes its own memory-mapped files there and any
one endpoint reads them all. Set it before the processes start, to an empty directory.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LATENESS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
Depth = Callable[[], float | None]
GaugeMode = Literal["livesum", "livemax"]


@dataclass(frozen=True)
class Spec:
    kind: str  # counter | histogram | gauge
    help: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = SECONDS
    gauge_mode: GaugeMode = "livesum"  # how a gauge adds up over live processes


CATALOGUE: dict[str, Spec] = {
    "aurelius_http_requests_total": Spec(
        "counter", "HTTP requests by route template, method and status.",
        ("route", "method", "status")),
    "aurelius_http_request_duration_seconds": Spec(
        "histogram", "HTTP request latency by route template.", ("route", "method")),
    "aurelius_webhook_signature_failures_total": Spec(
        "counter", "Webhooks refused for a bad or stale signature or secret.", ("source",)),
    "aurelius_jobs_queued_total": Spec("counter", "Jobs enqueued, by kind.", ("kind",)),
    "aurelius_jobs_started_total": Spec("counter", "Jobs started, by kind.", ("kind",)),
    "aurelius_jobs_failed_total": Spec("counter", "Job runs that raised, by kind.", ("kind",)),
    "aurelius_job_duration_seconds": Spec("histogram", "Job run time, by kind.", ("kind",)),
    "aurelius_deliveries_total": Spec(
        "counter", "Delivery attempts by the state they ended in.", ("state",)),
    "aurelius_delivery_lateness_seconds": Spec(
        "histogram", "How long after its moment a notification went out.", (), LATENESS),
    "aurelius_sync_runs_total": Spec(
        "counter", "Calendar syncs by provider and outcome (ok, error).", ("provider", "outcome")),
    "aurelius_sync_lag_seconds": Spec(
        "histogram", "How stale a connection was when its sync started.", ("provider",),
        LATENESS),
    "aurelius_scheduler_leader": Spec(
        "gauge", "1 in the scheduler that holds the lease (the sum is the number of leaders)."),
    "aurelius_ai_requests_total": Spec(
        "counter", "Model calls by model, use case, provider and outcome.",
        ("model", "use_case", "provider", "outcome")),
    "aurelius_ai_request_duration_seconds": Spec(
        "histogram", "Model call latency by provider.", ("provider",)),
    "aurelius_ai_tokens_total": Spec(
        "counter", "Tokens by model, use case and direction.", ("model", "use_case", "direction")),
    "aurelius_ai_cost_usd_total": Spec(
        "counter", "Model spend in US dollars by model and use case.", ("model", "use_case")),
    "aurelius_ai_cache_hits_total": Spec("counter", "Answers replayed from the cache.",
                                         ("use_case",)),
    "aurelius_ai_provider_errors_total": Spec(
        "counter", "Model calls that failed at the provider.", ("provider",)),
    "aurelius_ai_breaker_open": Spec(
        "gauge", "1 while the provider's circuit breaker is open.", ("provider",),
        gauge_mode="livemax"),
}


class PrometheusMetrics:
    """Implements `core.ports.Metrics`; only names in `CATALOGUE` exist."""

    def __init__(self) -> None:
        self._made: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._available: bool | None = None

    def count(self, name: str, amount: float = 1.0, **labels: str) -> None:
        if amount:
            self._with(name, labels, lambda metric: metric.inc(amount))

    def observe(self, name: str, value: float, **labels: str) -> None:
        self._with(name, labels, lambda metric: metric.observe(value))

    def set(self, name: str, value: float, **labels: str) -> None:
        self._with(name, labels, lambda metric: metric.set(value))

    def _with(self, name: str, labels: dict[str, str], act: Callable[[Any], None]) -> None:
        metric = self._metric(name)
        if metric is not None:
            act(metric.labels(**labels) if labels else metric)

    def _metric(self, name: str) -> Any:
        spec = CATALOGUE[name]  # a KeyError here is a typo in Aurelius, not an operator's
        with self._lock:
            if name not in self._made and self._loaded():
                self._made[name] = _make(name, spec)
            return self._made.get(name)

    def _loaded(self) -> bool:
        if self._available is None:
            try:
                import prometheus_client  # noqa: F401
            except ImportError:
                self._available = False
            else:
                self._available = True
        return self._available


def _make(name: str, spec: Spec) -> Any:
    """One metric per process; a second adapter in the same process (tests) shares it."""
    import prometheus_client as prom

    registered = prom.REGISTRY._names_to_collectors.get(name)
    if registered is not None:
        return registered
    if spec.kind == "counter":
        return prom.Counter(name.removesuffix("_total"), spec.help, spec.labels)
    if spec.kind == "histogram":
        return prom.Histogram(name, spec.help, spec.labels, buckets=spec.buckets)
    return prom.Gauge(name, spec.help, spec.labels, multiprocess_mode=spec.gauge_mode)


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_VARIABLE))


def exposition(depth: Depth | None = None) -> tuple[bytes, str]:
    """The scrape: every process's figures in multiprocess mode, else this process's."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return generate_latest(_registry(depth)), CONTENT_TYPE_LATEST


def serve(port: int, host: str, depth: Depth | None = None) -> Callable[[], None]:
    """`/metrics` on its own port (workers, scheduler, `aurelius run`); returns the stop."""
    from prometheus_client import start_http_server

    server, thread = start_http_server(port, host, registry=_registry(depth))

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


def process_exited() -> None:
    """Drop this process's live gauges from the shared directory (multiprocess mode)."""
    if multiprocess():
        from prometheus_client import multiprocess as shared

        shared.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def _registry(depth: Depth | None) -> Any:
    from prometheus_client import REGISTRY, CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    if multiprocess():
        base = CollectorRegistry()
        MultiProcessCollector(base)  # type: ignore[no-untyped-call]
    else:
        base = REGISTRY
    joined = CollectorRegistry(auto_describe=False)
    joined.register(_Joined(base, depth))
    return joined


class _Joined:
    """The base registry plus the queue depth, read at scrape time from the queue itself."""

    def __init__(self, base: Any, depth: Depth | None) -> None:
        self.base, self.depth = base, depth

    def collect(self) -> Iterator[Any]:
        yield from self.base.collect()
        value = self.depth() if self.depth else None
        if value is not None:
            from prometheus_client.core import GaugeMetricFamily

            yield GaugeMetricFamily("aurelius_queue_depth", "Jobs waiting in the queue.", value)
