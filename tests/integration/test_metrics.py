"""Metrics an operator scrapes: HTTP by route template, webhooks refused, jobs, deliveries and
their lateness, the scheduler's leadership and the AI gateway. Figures are process-wide
counters, so each test compares before and after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services
from aurelius.workers.scheduler import Scheduler
from core.ai.gateway import GatewayCall
from core.ai.types import USER, ChatRequest, Message
from core.errors import ProviderUnavailable
from tests.bots import conftest as bots
from tests.bots.conftest import WEBHOOK_SECRET, message
from tests.conftest import NOW
from tests.scrape import local, sample
from tests.stubs.fake_model import FakeChatModel
from tests.stubs.helpers import ai_with

slack_stub, telegram_stub, make_client = bots.slack_stub, bots.telegram_stub, bots.make_client
TG = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
REQUESTS = "aurelius_http_requests_total"


def test_the_server_counts_requests_by_route_template_never_by_raw_path(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    before = client.get("/metrics").text
    assert client.post("/telegram/webhook", json=message("/help"), headers=TG).status_code == 200
    assert client.post("/telegram/webhook", json=message("/help")).status_code == 401
    assert client.get("/people/4242/secret-diary").status_code == 404
    after = client.get("/metrics").text
    route = {"route": "/telegram/webhook", "method": "POST"}
    assert sample(after, REQUESTS, status="200", **route) - sample(
        before, REQUESTS, status="200", **route) == 1
    assert sample(after, REQUESTS, status="401", **route) - sample(
        before, REQUESTS, status="401", **route) == 1
    failures = "aurelius_webhook_signature_failures_total"
    assert sample(after, failures, source="telegram") - sample(
        before, failures, source="telegram") == 1
    assert sample(after, REQUESTS, route="unmatched", status="404") >= 1
    assert "4242" not in after and "secret-diary" not in after
    latency = "aurelius_http_request_duration_seconds_count"
    assert sample(after, latency, **route) - sample(before, latency, **route) == 2


def test_every_answer_carries_the_request_id_given_or_a_new_one(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    given = client.get("/healthz", headers={"X-Request-ID": "trace-77.a"})
    assert given.headers["X-Request-ID"] == "trace-77.a"
    fresh = [client.get("/healthz").headers["X-Request-ID"] for _ in range(2)]
    assert len(set(fresh)) == 2 and all(len(value) == 32 for value in fresh)
    hostile = client.get("/healthz", headers={"X-Request-ID": "a b\"}{\\n"})
    assert hostile.headers["X-Request-ID"] != "a b\"}{\\n"


def test_the_queue_depth_is_read_when_scraped(make_client: Callable[..., TestClient],
                                              services: Services) -> None:
    client = make_client()
    services.queue.enqueue("aurelius.workers.jobs.tick", job_id="tick")  # never started here
    depth = sample(client.get("/metrics").text, "aurelius_queue_depth")
    assert depth == services.queue.depth() == 1  # type: ignore[attr-defined]


def test_deliveries_count_by_state_and_their_lateness_is_measured(
        services: Services, user_id: int, clock: FixedClock) -> None:
    from aurelius.workers import jobs, runtime

    runtime.use(services)
    services.reminders.add(user_id, "Call the bank", NOW)
    clock.instant = NOW + timedelta(seconds=90)  # the scheduler got to it 90 s late
    queue = services.queue
    before = local()
    queue.start()  # type: ignore[attr-defined]
    try:
        queue.enqueue(jobs.TICK, job_id="tick")  # the tick queues the delivery job
        assert queue.drain(timeout=10)  # type: ignore[attr-defined]
    finally:
        queue.stop()  # type: ignore[attr-defined]
        runtime.use(None)
    after = local()
    assert sample(after, "aurelius_deliveries_total", state="sent") - sample(
        before, "aurelius_deliveries_total", state="sent") == 1
    lateness = "aurelius_delivery_lateness_seconds"
    assert sample(after, f"{lateness}_sum") - sample(before, f"{lateness}_sum") == 90
    assert sample(after, f"{lateness}_bucket", le="60.0") == sample(
        before, f"{lateness}_bucket", le="60.0")  # 90 s late is not within a minute
    for name in ("aurelius_jobs_started_total", "aurelius_job_duration_seconds_count"):
        assert sample(after, name, kind="tick") - sample(before, name, kind="tick") == 1
        assert sample(after, name, kind="deliver") - sample(before, name, kind="deliver") == 1


def test_a_job_that_raises_is_counted_as_failed(services: Services) -> None:
    from aurelius.workers import jobs, runtime

    if services.db.engine.dialect.name != "sqlite":
        pytest.skip("dropping a table would break the shared PostgreSQL template")
    runtime.use(services)
    before = local()
    with services.db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE deliveries")
    try:
        with pytest.raises(Exception, match="deliveries"):
            jobs.tick()
    finally:
        runtime.use(None)
    failed = "aurelius_jobs_failed_total"
    assert sample(local(), failed, kind="tick") - sample(before, failed, kind="tick") == 1


def test_only_the_leading_scheduler_reports_leadership(services: Services) -> None:
    leader, standby = Scheduler(services, "a:1"), Scheduler(services, "b:2")
    assert leader.fire() is True
    assert sample(local(), "aurelius_scheduler_leader") == 1
    assert standby.fire() is False
    assert sample(local(), "aurelius_scheduler_leader") == 0  # one gauge per process


def ask(user_id: int, text: str) -> GatewayCall:
    return GatewayCall(user_id, "chat", ChatRequest("sys", (Message(USER, text),)),
                       cacheable=True)


def test_ai_requests_tokens_cost_cache_hits_errors_and_the_breaker(
        services: Services, user_id: int) -> None:
    primary, backup = FakeChatModel("primary"), FakeChatModel("backup")
    ai = ai_with(services, {"primary": primary, "backup": backup},
                 ai_tiers={"economy": ["primary:haiku", "backup:mini"]},
                 ai_prices={"haiku": [1.0, 5.0], "mini": [0.4, 1.6]},
                 ai_retries=0)
    ai.meter.metrics = services.metrics  # as build_services wires it
    labels = {"model": "haiku", "use_case": "chat"}
    before = local()
    ai.gateway.ask(ask(user_id, "hello"))
    ai.gateway.ask(ask(user_id, "hello"))  # the same question: from the cache
    primary.fail(ProviderUnavailable("down"), times=10)
    for n in range(3):
        ai.gateway.ask(ask(user_id, f"question {n}"))
    after = local()

    def moved(name: str, **extra: str) -> float:
        return sample(after, name, **extra) - sample(before, name, **extra)

    assert moved("aurelius_ai_requests_total", provider="primary", outcome="ok", **labels) == 1
    assert moved("aurelius_ai_tokens_total", direction="input", **labels) == 1000
    assert moved("aurelius_ai_cost_usd_total", **labels) == pytest.approx(0.0015)
    assert moved("aurelius_ai_cache_hits_total", use_case="chat") == 1
    assert moved("aurelius_ai_provider_errors_total", provider="primary") == 3
    assert sample(after, "aurelius_ai_breaker_open", provider="primary") == 1


def test_no_metric_has_a_label_that_could_name_a_person() -> None:
    from aurelius.adapters.prometheus_metrics import CATALOGUE

    labels = {label for spec in CATALOGUE.values() for label in spec.labels}
    assert labels.isdisjoint({"user", "user_id", "chat", "chat_id", "path", "email", "name"})
    assert all(name.endswith(("_total", "_seconds")) or CATALOGUE[name].kind == "gauge"
               for name in CATALOGUE)


def test_calendar_syncs_count_by_provider_and_outcome_with_their_lag(
        services: Services, user_id: int, clock: FixedClock) -> None:
    from aurelius.workers import jobs, runtime
    from core.models import Connection

    with services.db.transaction() as session:
        revoked = Connection(user_id=user_id, provider="google", account_id="sub-9",
                             status="revoked", last_sync_at=NOW - timedelta(minutes=10))
        session.add(revoked)
        session.flush()
        connection_id = revoked.id
    runtime.use(services)
    before = local()
    try:
        line = jobs.sync_connection(connection_id)
    finally:
        runtime.use(None)
    after = local()
    assert "revoked" in line
    runs = "aurelius_sync_runs_total"
    assert sample(after, runs, provider="google", outcome="error") - sample(
        before, runs, provider="google", outcome="error") == 1
    lag = "aurelius_sync_lag_seconds_sum"
    assert sample(after, lag, provider="google") - sample(before, lag, provider="google") == 600
