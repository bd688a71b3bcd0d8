"""The AI gateway: route → quota → cache check → provider (with fail-over) → meter → cache store.

Every model call in Aurelius goes through `Gateway.ask`; it names a use case, and the
gateway decides which tier and provider answer it and what that cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from core.ai.cache import TieredCache, cache_key
from core.ai.config import OFFLINE, AIConfig, ModelRef
from core.ai.metering import CACHED, ERROR, OK, Meter, Metered
from core.ai.ports import ChatModel
from core.ai.resilience import Breakers, with_retries
from core.ai.routing import Route, route
from core.ai.types import ChatRequest, ChatResult, Usage
from core.errors import ConfigError, IntegrationError, ProviderUnavailable

OnText = Callable[[str], None]
ALL_DOWN = "Every AI provider is unavailable right now, so I answered offline."
TOO_SLOW = "The AI providers did not answer within {seconds:g} s, so I answered offline."


@dataclass(frozen=True)
class GatewayCall:
    """One model call. `offline_first`: the offline parser is confident it understood.
    `cacheable`: no tool has run for this request yet, so a text answer can be replayed."""

    user_id: int
    use_case: str
    request: ChatRequest
    offline_first: bool = False
    cacheable: bool = False
    data_kinds: frozenset[str] = frozenset({"messages"})
    deadline: float | None = None
    """`monotonic()` time by which the whole turn must be over (`Gateway.turn_deadline()`);
    None: this call alone gets the turn's budget."""


@dataclass(frozen=True)
class Answer:
    result: ChatResult
    provider: str
    model: str
    tier: str
    notices: tuple[str, ...] = ()
    cached: str | None = None  # "l1" or "l2" on a cache hit
    provider_ms: float = 0.0  # time spent waiting for the provider (benchmarks subtract it)


class Gateway:
    def __init__(
        self,
        config: AIConfig,
        meter: Meter,
        providers: Mapping[str, ChatModel],
        offline: ChatModel,
        cache: TieredCache,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config, self.meter, self.providers = config, meter, dict(providers)
        self.offline, self.cache, self.sleep, self.monotonic = offline, cache, sleep, monotonic
        self.breakers = Breakers(config.breaker_failures, config.breaker_reset_seconds, monotonic)

    def turn_deadline(self) -> float:
        """When a turn starting now must end, however many calls and retries it makes."""
        return self.monotonic() + self.config.turn_seconds

    def ask(self, call: GatewayCall, on_text: OnText | None = None) -> Answer:
        if call.deadline is None:
            call = replace(call, deadline=self.turn_deadline())
        chosen = route(self.config, call.use_case, call.offline_first, bool(self.providers),
                       self.meter.standing(call.user_id))
        if chosen.tier == OFFLINE:
            return self._offline(call, chosen, on_text)
        chain = self._chain(chosen.tier)
        key = cache_key("chat", ",".join(map(str, chain)), call.request)
        if call.cacheable:
            hit = self._cached(call, chosen, key, on_text)
            if hit:
                return hit
        answer = self._remote(call, chosen, chain, on_text)
        if call.cacheable and answer.provider != OFFLINE and not answer.result.tool_calls:
            self.cache.put(key, answer.result)
        return answer

    def _chain(self, tier: str) -> list[ModelRef]:
        return [ref for ref in self.config.tiers.get(tier, ()) if ref.provider in self.providers]

    def _cached(self, call: GatewayCall, chosen: Route, key: str,
                on_text: OnText | None) -> Answer | None:
        started = self.monotonic()
        found = self.cache.get(key)
        if found is None:
            return None
        result, level = found
        self._meter(call, chosen.tier, "cache", result.model, Usage(), started, CACHED)
        if on_text and result.text:
            on_text(result.text)
        return Answer(result, "cache", result.model, chosen.tier, chosen.notices, cached=level)

    def _remote(self, call: GatewayCall, chosen: Route, chain: list[ModelRef],
                on_text: OnText | None) -> Answer:
        for ref in chain:
            breaker = self.breakers[ref.provider]
            if self._left(call) <= 0:
                break
            if not breaker.allows():
                continue
            started = self.monotonic()
            try:
                result = self._invoke(ref, call, on_text)
            except ProviderUnavailable:
                breaker.failed()
                self._breaker_state(ref.provider)
                self._meter(call, chosen.tier, ref.provider, ref.model, Usage(), started, ERROR)
                continue
            except ConfigError:
                self._meter(call, chosen.tier, ref.provider, ref.model, Usage(), started, ERROR)
                raise
            breaker.succeeded()
            self._breaker_state(ref.provider)
            spent = self._meter(call, chosen.tier, ref.provider, result.model or ref.model,
                                result.usage, started, OK, call.data_kinds)
            return Answer(result, ref.provider, result.model or ref.model, chosen.tier,
                          chosen.notices, provider_ms=spent)
        late = self._left(call) <= 0
        notice = TOO_SLOW.format(seconds=self.config.turn_seconds) if late else ALL_DOWN
        return self._offline(call, Route(OFFLINE, (*chosen.notices, notice)), on_text)

    def _breaker_state(self, provider: str) -> None:
        """1 while the provider's breaker is open (calls skip it), else 0."""
        state = self.breakers[provider].state
        self.meter.metrics.set("aurelius_ai_breaker_open", float(state == "open"),
                               provider=provider)

    def _left(self, call: GatewayCall) -> float:
        return (call.deadline or 0.0) - self.monotonic()

    def _invoke(self, ref: ModelRef, call: GatewayCall, on_text: OnText | None) -> ChatResult:
        model = self.providers[ref.provider]

        def attempt() -> ChatResult:
            left = self._left(call)
            if left <= 0:
                raise ProviderUnavailable(f"{ref.provider} ran out of the turn's time.")
            # The provider's own timeout, cut to what is left of the turn.
            request = replace(call.request, model=ref.model, timeout=left)
            if on_text is None:
                return model.complete(request)
            return _stream(model, request, on_text, lambda: self._left(call))

        return with_retries(attempt, self.config.retries, self.config.backoff_seconds,
                            self.sleep, lambda: self._left(call))

    def _offline(self, call: GatewayCall, chosen: Route, on_text: OnText | None) -> Answer:
        started = self.monotonic()
        result = self.offline.complete(call.request)
        self._meter(call, OFFLINE, OFFLINE, result.model, result.usage, started, OK)
        if on_text and result.text:
            on_text(result.text)
        return Answer(result, OFFLINE, result.model, OFFLINE, chosen.notices)

    def _meter(self, call: GatewayCall, tier: str, provider: str, model: str, usage: Usage,
               started: float, outcome: str, kinds: frozenset[str] = frozenset()) -> float:
        """Record the call; returns its latency in milliseconds."""
        latency = (self.monotonic() - started) * 1000
        self.meter.record(Metered(call.user_id, call.use_case, tier, provider, model, usage,
                                  latency, outcome, kinds))
        return latency


def _stream(model: ChatModel, request: ChatRequest, on_text: OnText,
            time_left: Callable[[], float]) -> ChatResult:
    """Forward deltas; once text reached the user a failure can no longer fail over.
    A stream that trickles on past the turn's end is cut off."""
    shown = False
    try:
        for piece in model.stream(request):
            if isinstance(piece, ChatResult):
                return piece
            if time_left() <= 0:
                raise ProviderUnavailable(f"{model.provider} is too slow: out of the turn's time.")
            shown = True
            on_text(piece)
    except ProviderUnavailable as exc:
        if shown:
            raise IntegrationError(f"The reply from {model.provider} broke off: {exc}") from exc
        raise
    raise ProviderUnavailable(f"{model.provider} ended the stream without a final message.")
