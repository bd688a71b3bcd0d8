"""AI gateway benchmark: 1,000 mixed requests against the loopback Anthropic stub.

    .venv/bin/python benchmarks/ai_gateway.py

Prints: cost with routing + caching versus everything on the default tier, the share
answered offline, cache-hit latency (L1, and Redis when AURELIUS_TEST_REDIS_URL or
AURELIUS_REDIS_URL is set), and gateway overhead per call excluding the provider's time.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import build_services
from aurelius.settings import Settings
from core.ai.gateway import GatewayCall
from core.ai.types import USER, ChatRequest, Message
from core.timeutil import localize
from tests.stubs.anthropic import AnthropicStub

REQUESTS = 1000
SIMPLE = ["buy milk tomorrow p1", "remind me to call mom tomorrow at 5", "what are my tasks",
          "lunch with Sara friday 1pm", "when am I free tomorrow", "brief me"]
QUESTIONS = [f"what is a good way to prepare for meeting {n}?" for n in range(40)]
COMPLEX = [f"move my {n} o'clock meeting to thursday and remind me the day before"
           for n in range(30)]
PLANS = {"bench": {"tiers": ["economy", "default"], "daily_requests": 10**6,
                   "monthly_budget_usd": 10**6, "requests_per_minute": 10**6}}


def workload(seed: int = 4) -> list[str]:
    """45% simple (offline), 40% questions (many repeats), 15% multi-step."""
    rng = random.Random(seed)
    pools = [(SIMPLE, 0.45), (QUESTIONS, 0.40), (COMPLEX, 0.15)]
    return [rng.choice(rng.choices([p for p, _ in pools], [w for _, w in pools])[0])
            for _ in range(REQUESTS)]


def services(stub: AnthropicStub, folder: str, name: str, **extra: Any) -> Any:
    settings = Settings(database_url=f"sqlite:///{folder}/{name}.db", timezone="Europe/Berlin",
                        anthropic_api_key="sk-bench", anthropic_base_url=stub.url,
                        plan="bench", ai_plans=PLANS, **extra)
    clock = FixedClock(localize(datetime(2026, 3, 10, 9), "Europe/Berlin"))
    return build_services(settings, clock=clock)


def run(stub: AnthropicStub, folder: str, name: str, routed: bool) -> dict[str, float]:
    built = services(stub, folder, name)
    gateway, user = built.ai.gateway, built.local_user_id()
    from core.ai.assistant import needs_reasoning
    from core.ai.offline import understood
    from core.nlu import parse

    offline = overhead = 0.0
    for text in workload():
        parsed = parse(text, built.clock.now(), "Europe/Berlin")
        simple = understood(parsed) and not needs_reasoning(text)
        use_case = ("plan" if needs_reasoning(text) else "chat") if routed else "plan"
        request = ChatRequest("You are Aurelius.", (Message(USER, text),))
        started = time.perf_counter()
        answer = gateway.ask(GatewayCall(user, use_case, request, routed and simple,
                                         cacheable=routed))
        overhead += (time.perf_counter() - started) * 1000 - answer.provider_ms
        offline += answer.provider == "offline"
    records = built.ai.meter.records(user, built.clock.now().replace(year=2000))
    built.close()
    return {"cost": sum(r.cost_usd for r in records), "offline": offline / REQUESTS,
            "overhead_ms": overhead / REQUESTS}


def hit_latency(stub: AnthropicStub, folder: str, redis_url: str | None) -> float:
    """Median microseconds for a cache hit (the Redis figure bypasses L1)."""
    extra = {"redis_url": redis_url} if redis_url else {}
    built = services(stub, folder, f"hits-{bool(redis_url)}", **extra)
    cache = built.ai.gateway.cache
    request = ChatRequest("s", (Message(USER, "cached question"),))
    call = GatewayCall(built.local_user_id(), "chat", request, cacheable=True)
    built.ai.gateway.ask(call)
    samples = []
    for _ in range(500):
        if redis_url:
            cache.l1 = type(cache.l1)()  # force the L2 path
        started = time.perf_counter()
        found = built.ai.gateway.ask(call)
        samples.append((time.perf_counter() - started) * 1e6)
        assert found.cached
    built.close()
    return statistics.median(samples)


def main() -> None:
    stub = AnthropicStub().start()
    stub.default.input_tokens, stub.default.output_tokens = 800, 150
    with tempfile.TemporaryDirectory() as folder:
        routed = run(stub, folder, "routed", routed=True)
        baseline = run(stub, folder, "baseline", routed=False)
        l1 = hit_latency(stub, folder, None)
        redis_url = os.environ.get("AURELIUS_TEST_REDIS_URL") or os.environ.get(
            "AURELIUS_REDIS_URL")
        l2 = hit_latency(stub, folder, redis_url) if redis_url else None
    stub.stop()
    saving = 1 - routed["cost"] / baseline["cost"]
    print(f"requests                         {REQUESTS} "
          "(45% simple, 40% questions, 15% multi-step)")
    print(f"cost, routing + caching          ${routed['cost']:.4f}")
    print(f"cost, everything on default tier ${baseline['cost']:.4f}  (saving {saving:.0%})")
    print(f"answered offline                 {routed['offline']:.1%}")
    print(f"cache hit, L1 (median, incl. metering)     {l1:.0f} µs")
    print("cache hit, Redis L2 (median, incl. metering) "
          + (f"{l2:.0f} µs" if l2 is not None else "skipped (no Redis URL set)"))
    print(f"gateway overhead per call (excl. provider)  {routed['overhead_ms']:.2f} ms routed, "
          f"{baseline['overhead_ms']:.2f} ms baseline")


if __name__ == "__main__":
    main()
