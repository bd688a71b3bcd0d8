"""The gateway over a real database: fail-over, breaker, cache, metering, budgets."""

from __future__ import annotations

import os

import pytest

from aurelius.bootstrap import Services
from core.ai.gateway import ALL_DOWN, GatewayCall
from core.ai.metering import Metered
from core.ai.types import USER, ChatRequest, Message, Usage
from core.errors import ConfigError, ProviderUnavailable, QuotaExceeded
from tests.stubs.fake_model import FakeChatModel
from tests.stubs.helpers import ai_with

TIERS = {"economy": ["primary:haiku", "backup:mini"], "default": ["primary:sonnet"]}
PRICES = {"haiku": [1.0, 5.0], "sonnet": [3.0, 15.0], "mini": [0.4, 1.6]}


def call(user_id: int, text: str = "hello", use_case: str = "chat",
         cacheable: bool = True) -> GatewayCall:
    return GatewayCall(user_id, use_case, ChatRequest("sys", (Message(USER, text),)),
                       cacheable=cacheable)


@pytest.fixture
def models() -> tuple[FakeChatModel, FakeChatModel]:
    return FakeChatModel("primary"), FakeChatModel("backup")


def gateway_ai(services: Services, models: tuple[FakeChatModel, FakeChatModel], **kw: object):  # type: ignore[no-untyped-def]
    primary, backup = models
    return ai_with(services, {"primary": primary, "backup": backup}, ai_tiers=TIERS,
                   ai_prices=PRICES, **kw)


def test_success_is_metered_with_cost_and_egress(services: Services, user_id: int,
                                                 models: tuple[FakeChatModel, ...]) -> None:
    ai = gateway_ai(services, models)
    answer = ai.gateway.ask(call(user_id))
    assert (answer.provider, answer.model, answer.result.text) == ("primary", "haiku",
                                                                   "fake reply")
    [record] = ai.meter.records(user_id, services.clock.now().replace(year=2000))
    assert (record.outcome, record.input_tokens, record.output_tokens) == ("ok", 1000, 100)
    assert record.cost_usd == pytest.approx((1000 * 1.0 + 100 * 5.0) / 1e6)
    [egress] = ai.meter.egress(user_id, services.clock.now().replace(year=2000))
    assert (egress.provider, egress.data_kinds) == ("primary", ["messages"])


def test_fail_over_after_retries_records_the_model_that_answered(
        services: Services, user_id: int, models: tuple[FakeChatModel, ...]) -> None:
    primary, _backup = models
    primary.fail(ProviderUnavailable("429"), times=3)
    ai = gateway_ai(services, models)
    answer = ai.gateway.ask(call(user_id))
    assert (answer.provider, answer.model) == ("backup", "mini")
    assert len(primary.calls) == 3  # one try and two retries
    outcomes = [(r.provider, r.outcome) for r in ai.meter.records(
        user_id, services.clock.now().replace(year=2000))]
    assert outcomes == [("primary", "error"), ("backup", "ok")]


def test_breaker_skips_a_failing_provider(services: Services, user_id: int,
                                          models: tuple[FakeChatModel, ...]) -> None:
    primary, _ = models
    primary.fail(ProviderUnavailable("down"), times=100)
    ai = gateway_ai(services, models, ai_retries=0)
    for n in range(3):
        ai.gateway.ask(call(user_id, f"q{n}"))
    assert ai.gateway.breakers["primary"].state == "open"
    tried = len(primary.calls)
    assert ai.gateway.ask(call(user_id, "after")).provider == "backup"
    assert len(primary.calls) == tried


def test_bad_key_is_a_config_error_and_never_falls_over(
        services: Services, user_id: int, models: tuple[FakeChatModel, ...]) -> None:
    primary, backup = models
    primary.fail(ConfigError("check AURELIUS_ANTHROPIC_API_KEY"))
    with pytest.raises(ConfigError, match="AURELIUS_ANTHROPIC_API_KEY"):
        gateway_ai(services, models).gateway.ask(call(user_id))
    assert backup.calls == []


def test_everything_down_answers_offline_and_says_so(
        services: Services, user_id: int, models: tuple[FakeChatModel, ...]) -> None:
    for model in models:
        model.fail(ProviderUnavailable("down"), times=10)
    answer = gateway_ai(services, models, ai_retries=0).gateway.ask(call(user_id, "hi there"))
    assert answer.provider == "offline" and ALL_DOWN in answer.notices
    assert "A model is needed" in answer.result.text


def test_repeated_pure_call_is_served_from_l1(services: Services, user_id: int,
                                              models: tuple[FakeChatModel, ...]) -> None:
    primary, _ = models
    ai = gateway_ai(services, models)
    first = ai.gateway.ask(call(user_id))
    second = ai.gateway.ask(call(user_id))
    assert second.cached == "l1" and second.result.text == first.result.text
    assert len(primary.calls) == 1
    ai.gateway.ask(call(user_id, cacheable=False))
    assert len(primary.calls) == 2  # not pure: never looked up
    since = services.clock.now().replace(year=2000)
    outcomes = [r.outcome for r in ai.meter.records(user_id, since)]
    assert outcomes == ["ok", "cached", "ok"]


def test_replies_asking_for_tools_are_not_cached(services: Services, user_id: int,
                                                 models: tuple[FakeChatModel, ...]) -> None:
    primary, _ = models
    primary.enqueue("", ("list_tasks", {})).enqueue("", ("list_tasks", {}))
    ai = gateway_ai(services, models)
    ai.gateway.ask(call(user_id))
    assert ai.gateway.ask(call(user_id)).cached is None


@pytest.mark.skipif(not os.environ.get("AURELIUS_TEST_REDIS_URL"),
                    reason="AURELIUS_TEST_REDIS_URL is not set (Redis tests)")
def test_l2_redis_serves_another_process(services: Services, user_id: int,
                                         models: tuple[FakeChatModel, ...]) -> None:
    url = os.environ["AURELIUS_TEST_REDIS_URL"]
    text = f"redis {os.getpid()} {id(services)}"
    gateway_ai(services, models, redis_url=url).gateway.ask(call(user_id, text))
    other = gateway_ai(services, (FakeChatModel("primary"), FakeChatModel("backup")),
                       redis_url=url)  # a fresh L1, like a second worker
    assert other.gateway.ask(call(user_id, text)).cached == "l2"


def test_budget_steps_down_then_refuses(services: Services, user_id: int,
                                        models: tuple[FakeChatModel, ...]) -> None:
    primary, _ = models
    plans = {"pro": {"tiers": ["economy", "default"], "daily_requests": 100,
                     "monthly_budget_usd": 0.01, "requests_per_minute": 100}}
    ai = gateway_ai(services, models, ai_plans=plans)
    primary.enqueue("big", input_tokens=2700, output_tokens=0)  # $0.0081 of $0.01 on sonnet
    assert ai.gateway.ask(call(user_id, "a", "plan", False)).tier == "default"
    stepped = ai.gateway.ask(call(user_id, "b", "plan", False))
    assert stepped.tier == "economy" and "81%" in stepped.notices[0]
    offline = ai.gateway.ask(call(user_id, "c", "plan", False))  # $0.0096: 96%
    assert offline.tier == "offline" and "96%" in offline.notices[0]
    ai.meter.record(Metered(user_id, "plan", "default", "primary", "sonnet", Usage(1000),
                            1.0, "ok"))
    with pytest.raises(QuotaExceeded, match="budget is used up"):
        ai.gateway.ask(call(user_id, "d", "plan", False))
    assert ai.gateway.ask(GatewayCall(user_id, "chat", ChatRequest(
        "s", (Message(USER, "add task x"),)), offline_first=True)).provider == "offline"


def test_per_user_rate_limit(services: Services, user_id: int,
                             models: tuple[FakeChatModel, ...]) -> None:
    plans = {"pro": {"tiers": ["economy"], "daily_requests": 100, "monthly_budget_usd": 5,
                     "requests_per_minute": 2}}
    ai = gateway_ai(services, models, ai_plans=plans)
    ai.gateway.ask(call(user_id, "1"))
    ai.gateway.ask(call(user_id, "2"))
    with pytest.raises(QuotaExceeded, match="2 a minute"):
        ai.gateway.ask(call(user_id, "3"))


# --- providers that misbehave, through the official SDKs against loopback stubs -----------

WRONG_SHAPES = ["<html><body>502 from a proxy</body></html>", '{"hello": "world"}',
                '{"choices": [], "content": 7}', "not json at all {"]


def _usage_rows(services: Services) -> list[tuple[str, str]]:
    from core.models import UsageRecord

    with services.db.transaction() as session:
        return [(r.provider, r.outcome) for r in session.query(UsageRecord).order_by("id")]


@pytest.mark.parametrize("body", WRONG_SHAPES)
@pytest.mark.parametrize("vendor", ["anthropic", "openai"])
def test_a_200_that_is_not_a_reply_falls_back_offline_with_a_usage_record(
    services: Services, user_id: int, vendor: str, body: str
) -> None:
    from tests.stubs.anthropic import AnthropicStub
    from tests.stubs.openai import OpenAIStub
    from tests.stubs.server import Scripted

    stub = (AnthropicStub() if vendor == "anthropic" else OpenAIStub()).start()
    stub.default = Scripted(raw=body)
    try:
        keys = ({"anthropic_api_key": "k", "anthropic_base_url": stub.url}
                if vendor == "anthropic"
                else {"openai_api_key": "k", "openai_base_url": f"{stub.url}/v1"})
        ai = ai_with(services, None, **keys)
        answer = ai.gateway.ask(call(user_id, "summarise my week for me", use_case="plan"))
    finally:
        stub.stop()
    assert answer.provider == "offline" and ALL_DOWN in answer.notices
    assert stub.calls == 3  # the first try and two retries, all read as unavailable
    assert _usage_rows(services) == [(vendor, "error"), ("offline", "ok")]


@pytest.mark.parametrize(("stream", "both"), [(False, True), (True, True), (False, False)])
def test_a_hanging_provider_costs_one_turn_budget_whatever_the_retries(
    services: Services, user_id: int, stream: bool, both: bool
) -> None:
    import time

    from core.ai.gateway import TOO_SLOW
    from tests.stubs.blackhole import BlackHole

    with BlackHole() as hole:
        second = ({"openai_api_key": "k", "openai_base_url": f"http://127.0.0.1:{hole.port}/v1"}
                  if both else {})
        ai = ai_with(services, None, anthropic_api_key="k",
                     anthropic_base_url=f"http://127.0.0.1:{hole.port}",
                     ai_timeout=60.0, ai_retries=5, ai_turn_seconds=0.6, **second)
        started = time.monotonic()
        reply = ai.assistant.ask(user_id, "summarise my week and then plan it",
                                 on_text=(lambda _: None) if stream else None)
        took = time.monotonic() - started
    assert reply.provider == "offline"
    assert TOO_SLOW.format(seconds=0.6) in reply.notices
    assert 0.6 <= took < 1.5, took  # not 60 s per call, nor one timeout per retry
    assert hole.connections >= 1


def test_the_turn_budget_is_a_setting() -> None:
    from aurelius.adapters.ai_wiring import ai_config
    from aurelius.settings import Settings

    assert ai_config(Settings()).turn_seconds == 30.0
    assert ai_config(Settings(ai_turn_seconds=12)).turn_seconds == 12.0
