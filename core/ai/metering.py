"""Usage records, the egress log, and the standing of a user against their plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select

from core.ai.config import OFFLINE, AIConfig
from core.ai.types import Usage
from core.db import Database
from core.models.ai import EgressRecord, UsageRecord
from core.ports import Clock, Metrics, NoMetrics

OK, CACHED, ERROR, REFUSED = "ok", "cached", "error", "refused"


@dataclass(frozen=True)
class Metered:
    """One call as the gateway saw it; `data_kinds` is non-empty only for remote calls."""

    user_id: int
    use_case: str
    tier: str
    provider: str
    model: str
    usage: Usage
    latency_ms: float
    outcome: str
    data_kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Standing:
    requests_today: int
    requests_last_minute: int
    spend_this_month: float


def month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class Meter:
    def __init__(self, db: Database, clock: Clock, config: AIConfig,
                 metrics: Metrics | None = None) -> None:
        self.db, self.clock, self.config = db, clock, config
        self.metrics = metrics or NoMetrics()

    def record(self, entry: Metered) -> UsageRecord:
        """Write the usage record (and the egress entry for remote calls) in one transaction."""
        usage = entry.usage
        cost = self.config.price(entry.model).cost(
            usage.input_tokens, usage.output_tokens, usage.cache_read_tokens
        )
        now = self.clock.now()
        record = UsageRecord(
            user_id=entry.user_id, created_at=now, use_case=entry.use_case, tier=entry.tier,
            provider=entry.provider, model=entry.model, input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens, cache_read_tokens=usage.cache_read_tokens,
            cost_usd=cost, latency_ms=round(entry.latency_ms, 3), outcome=entry.outcome,
        )
        with self.db.transaction() as session:
            session.add(record)
            if entry.data_kinds and entry.provider != OFFLINE:
                session.add(EgressRecord(
                    user_id=entry.user_id, created_at=now, provider=entry.provider,
                    model=entry.model, data_kinds=sorted(entry.data_kinds),
                ))
        self._measure(entry, cost)
        return record

    def _measure(self, entry: Metered, cost: float) -> None:
        """Operators' view of the same call: by model and use case, never by user."""
        model, use_case, usage = entry.model or "unknown", entry.use_case, entry.usage
        self.metrics.count("aurelius_ai_requests_total", model=model, use_case=use_case,
                           provider=entry.provider, outcome=entry.outcome)
        self.metrics.observe("aurelius_ai_request_duration_seconds", entry.latency_ms / 1000,
                             provider=entry.provider)
        for direction, tokens in (("input", usage.input_tokens), ("output", usage.output_tokens)):
            self.metrics.count("aurelius_ai_tokens_total", tokens, model=model,
                               use_case=use_case, direction=direction)
        self.metrics.count("aurelius_ai_cost_usd_total", cost, model=model, use_case=use_case)
        if entry.outcome == CACHED:
            self.metrics.count("aurelius_ai_cache_hits_total", use_case=entry.use_case)
        if entry.outcome == ERROR:
            self.metrics.count("aurelius_ai_provider_errors_total", provider=entry.provider)

    def standing(self, user_id: int) -> Standing:
        """Requests today and in the last minute, and spend this month, in one query.

        Only answered remote calls count against the daily limit: offline and cached
        answers cost nothing. Every call counts against the per-minute rate.
        """
        now = self.clock.now()
        day = now.astimezone(UTC) - timedelta(days=1)
        remote_ok = (UsageRecord.outcome == OK) & (UsageRecord.provider != OFFLINE)
        query = select(
            func.sum(case((remote_ok & (UsageRecord.created_at >= day), 1), else_=0)),
            func.sum(case((UsageRecord.created_at >= now - timedelta(minutes=1), 1), else_=0)),
            func.sum(UsageRecord.cost_usd),
        ).where(UsageRecord.user_id == user_id, UsageRecord.created_at >= month_start(now))
        with self.db.transaction() as session:
            today, minute, spend = session.execute(query).one()
        return Standing(int(today or 0), int(minute or 0), float(spend or 0.0))

    def records(self, user_id: int, since: datetime) -> list[UsageRecord]:
        query = (
            select(UsageRecord)
            .where(UsageRecord.user_id == user_id, UsageRecord.created_at >= since)
            .order_by(UsageRecord.created_at, UsageRecord.id)
        )
        with self.db.transaction() as session:
            return list(session.scalars(query))

    def egress(self, user_id: int, since: datetime) -> list[EgressRecord]:
        query = (
            select(EgressRecord)
            .where(EgressRecord.user_id == user_id, EgressRecord.created_at >= since)
            .order_by(EgressRecord.created_at, EgressRecord.id)
        )
        with self.db.transaction() as session:
            return list(session.scalars(query))


def data_kinds_of(kinds: Iterable[str | None]) -> frozenset[str]:
    return frozenset(kind for kind in kinds if kind)
