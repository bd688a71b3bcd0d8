"""Which tier answers a call: use case → tier, limited by the plan, stepped down near the
budget, refused at the limit. The offline parser answers first when it is confident."""

from __future__ import annotations

from dataclasses import dataclass

from core.ai.config import DEFAULT, ECONOMY, OFFLINE, STEP_DOWN, AIConfig, Plan
from core.ai.metering import Standing
from core.errors import QuotaExceeded


@dataclass(frozen=True)
class Route:
    tier: str
    notices: tuple[str, ...] = ()


def route(
    config: AIConfig, use_case: str, offline_first: bool, has_remote: bool, standing: Standing
) -> Route:
    plan = config.plan
    _check_rate(plan, standing)
    if offline_first:
        return Route(OFFLINE)
    if not has_remote:
        return Route(OFFLINE)
    _check_limits(plan, standing)
    tier, notices = _allowed(plan, config.tier_for(use_case))
    return _step_down(config, tier, standing, notices)


def _check_rate(plan: Plan, standing: Standing) -> None:
    if standing.requests_last_minute >= plan.requests_per_minute:
        raise QuotaExceeded(
            f"Too many requests: the {plan.name} plan allows {plan.requests_per_minute} a "
            "minute. Wait a minute and ask again."
        )


def _check_limits(plan: Plan, standing: Standing) -> None:
    if standing.spend_this_month >= plan.monthly_budget_usd:
        raise QuotaExceeded(
            f"This month's AI budget is used up (${standing.spend_this_month:.2f} of "
            f"${plan.monthly_budget_usd:.2f} on the {plan.name} plan). It renews on the 1st; "
            "raise it in ai_plans or choose another AURELIUS_PLAN. Offline requests such as "
            "'add task …' still work."
        )
    if standing.requests_today >= plan.daily_requests:
        raise QuotaExceeded(
            f"You reached the {plan.name} plan's {plan.daily_requests} AI requests in 24 hours. "
            "Try again later; offline requests such as 'add task …' still work."
        )


def _allowed(plan: Plan, tier: str) -> tuple[str, tuple[str, ...]]:
    if tier in plan.tiers:
        return tier, ()
    for lower in (ECONOMY, OFFLINE):
        if lower in plan.tiers or lower == OFFLINE:
            note = f"The {plan.name} plan does not include the {tier} tier; used {lower}."
            return lower, (note,)
    return OFFLINE, ()  # pragma: no cover - OFFLINE always matches


def _step_down(config: AIConfig, tier: str, standing: Standing, notices: tuple[str, ...]) -> Route:
    budget = config.plan.monthly_budget_usd
    used = standing.spend_this_month / budget if budget > 0 else 1.0
    if used >= config.offline_at and tier != OFFLINE:
        return Route(OFFLINE, (*notices, _near(used, "offline mode")))
    if used >= config.step_down_at and tier == DEFAULT:
        return Route(STEP_DOWN[tier], (*notices, _near(used, "the economy model")))
    return Route(tier, notices)


def _near(used: float, instead: str) -> str:
    return f"You have used {used:.0%} of this month's AI budget, so I answered with {instead}."
