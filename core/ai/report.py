"""`aurelius usage`: usage records grouped by day, model and use case, as plain values."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.models.ai import EgressRecord, UsageRecord
from core.timeutil import zone


@dataclass(frozen=True)
class Group:
    key: str
    requests: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cost_usd: float


def group_by(records: Iterable[UsageRecord], key: Callable[[UsageRecord], str]) -> list[Group]:
    groups: dict[str, list[UsageRecord]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return [_group(name, rows) for name, rows in sorted(groups.items())]


def _group(name: str, rows: list[UsageRecord]) -> Group:
    return Group(
        name,
        len(rows),
        sum(r.input_tokens for r in rows),
        sum(r.output_tokens for r in rows),
        sum(r.cache_read_tokens for r in rows),
        sum(r.cost_usd for r in rows),
    )


def by_day(tz: str) -> Callable[[UsageRecord], str]:
    return lambda record: record.created_at.astimezone(zone(tz)).date().isoformat()


def by_model(record: UsageRecord) -> str:
    return f"{record.provider}:{record.model}"


def by_use_case(record: UsageRecord) -> str:
    return record.use_case


def usage_json(record: UsageRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "created_at": record.created_at.isoformat(),
        "use_case": record.use_case,
        "tier": record.tier,
        "provider": record.provider,
        "model": record.model,
        "input_tokens": record.input_tokens,
        "output_tokens": record.output_tokens,
        "cache_read_tokens": record.cache_read_tokens,
        "cost_usd": round(record.cost_usd, 6),
        "latency_ms": record.latency_ms,
        "outcome": record.outcome,
    }


def egress_json(record: EgressRecord) -> dict[str, Any]:
    return {
        "created_at": record.created_at.isoformat(),
        "provider": record.provider,
        "model": record.model,
        "data_kinds": list(record.data_kinds),
    }
