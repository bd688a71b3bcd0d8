"""The gateway's policy as values: tiers and their fallback chains, prices, plans, use cases.

Built from settings by the composition root; every number here is configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.errors import ConfigError

OFFLINE = "offline"
ECONOMY, DEFAULT = "economy", "default"
STEP_DOWN = {DEFAULT: ECONOMY, ECONOMY: OFFLINE, OFFLINE: OFFLINE}


@dataclass(frozen=True)
class ModelRef:
    provider: str
    model: str

    @classmethod
    def parse(cls, text: str) -> ModelRef:
        provider, sep, model = text.partition(":")
        if not sep or not model:
            raise ConfigError(
                f"Model {text!r} in ai_tiers must look like 'anthropic:claude-haiku-4-5'."
            )
        return cls(provider, model)

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input: float
    output: float
    cache_read: float = 0.0

    def cost(self, input_tokens: int, output_tokens: int, cache_read_tokens: int) -> float:
        total = (
            input_tokens * self.input
            + output_tokens * self.output
            + cache_read_tokens * self.cache_read
        )
        return total / 1_000_000


FREE = Price(0.0, 0.0)


@dataclass(frozen=True)
class Plan:
    name: str
    tiers: frozenset[str]
    daily_requests: int
    monthly_budget_usd: float
    requests_per_minute: int


@dataclass(frozen=True)
class AIConfig:
    tiers: Mapping[str, tuple[ModelRef, ...]]
    prices: Mapping[str, Price]
    plan: Plan
    use_cases: Mapping[str, str]
    step_down_at: float = 0.8
    offline_at: float = 0.95
    retries: int = 2
    backoff_seconds: float = 0.5
    turn_seconds: float = 30.0  # one assistant turn, every model call and retry included
    breaker_failures: int = 3
    breaker_reset_seconds: float = 30.0
    cache_ttl_seconds: int = 300
    extra: Mapping[str, str] = field(default_factory=dict)

    def tier_for(self, use_case: str) -> str:
        return self.use_cases.get(use_case, ECONOMY)

    def price(self, model: str) -> Price:
        return self.prices.get(model, FREE)


def build_config(
    tiers: Mapping[str, Sequence[str]],
    prices: Mapping[str, Sequence[float]],
    plans: Mapping[str, Mapping[str, object]],
    plan: str,
    use_cases: Mapping[str, str],
) -> AIConfig:
    """Turn the plain settings values into an `AIConfig`; mistakes name the setting."""
    if plan not in plans:
        raise ConfigError(f"Unknown plan {plan!r} (AURELIUS_PLAN); known: {', '.join(plans)}.")
    return AIConfig(
        tiers={name: tuple(ModelRef.parse(m) for m in chain) for name, chain in tiers.items()},
        prices={model: _price(model, values) for model, values in prices.items()},
        plan=_plan(plan, plans[plan]),
        use_cases=dict(use_cases),
    )


def _price(model: str, values: Sequence[float]) -> Price:
    if not 2 <= len(values) <= 3:
        raise ConfigError(
            f"ai_prices[{model!r}] must be [input, output] or [input, output, cache_read] "
            "dollars per million tokens."
        )
    return Price(*(float(v) for v in values))


def _plan(name: str, values: Mapping[str, object]) -> Plan:
    try:
        return Plan(
            name=name,
            tiers=frozenset(str(t) for t in values["tiers"]),  # type: ignore[attr-defined]
            daily_requests=int(values["daily_requests"]),  # type: ignore[call-overload]
            monthly_budget_usd=float(values["monthly_budget_usd"]),  # type: ignore[arg-type]
            requests_per_minute=int(values.get("requests_per_minute", 30)),  # type: ignore[call-overload]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"ai_plans[{name!r}] needs tiers, daily_requests, monthly_budget_usd "
            f"and requests_per_minute ({exc})."
        ) from None
