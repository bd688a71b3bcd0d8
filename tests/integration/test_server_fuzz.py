"""A fuzz test of the webhook routes: hostile bodies and headers, signed and unsigned, over
real HTTP requests to the server with both bots behind it. No request may get a 5xx, take
long, or make the server hold much more memory than the body limit."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bots import conftest as bots
from tests.bots.conftest import WEBHOOK_SECRET, signed

slack_stub, telegram_stub, make_client = bots.slack_stub, bots.telegram_stub, bots.make_client
LIMIT_KB = 64
ROUTES = ("/slack/events", "/slack/commands", "/slack/interactions", "/telegram/webhook")
KINDS = ("application/json", "application/x-www-form-urlencoded", "text/plain", "", "x/\xff")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=20,
)


def nested(depth: int, opener: str) -> bytes:
    closer = {"[": "]", "{": "}"}[opener]
    if opener == "{":
        return ('{"a":' * depth + "1" + closer * depth).encode()
    return (opener * depth + closer * depth).encode()


def shaped(value: Any, shape: str) -> bytes:
    """A JSON value as the platforms' fields would carry it."""
    if shape == "slack-event":
        value = {"type": "event_callback", "event_id": "Ev1", "event": value}
    elif shape == "interaction":
        return b"payload=" + json.dumps({"type": "block_actions", "actions": value}).encode()
    elif shape == "update":
        value = {"update_id": 1, "message": value}
    return json.dumps(value).encode()


bodies = st.one_of(
    st.binary(max_size=512),
    st.builds(nested, st.integers(1, 30_000), st.sampled_from("[{")),
    st.builds(shaped, json_values, st.sampled_from(["raw", "slack-event", "interaction",
                                                    "update"])),
    st.text(max_size=200).map(str.encode),
    st.integers(1, 6000).map(lambda digits: b"9" * digits),
)
stamps = st.one_of(st.none(), st.text(max_size=30), st.integers(1, 5000).map(lambda n: "9" * n))


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """One server for all examples (hypothesis runs them inside one test call)."""
    return make_client(max_body_kb=LIMIT_KB, unauthenticated_rate_per_minute=10**6)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(route=st.sampled_from(ROUTES), body=bodies, sign=st.booleans(),
       kind=st.sampled_from(KINDS), stamp=stamps, secret=st.booleans(),
       retry=st.sampled_from([None, "1", "x" * 40]))
def test_hostile_requests_never_get_a_server_error(
        client: TestClient, route: str, body: bytes, sign: bool,
        kind: str, stamp: str | None, secret: bool, retry: str | None) -> None:
    headers = _headers(body, kind, sign, stamp, secret, retry)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        answer = client.post(route, content=body, headers=headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status_code < 500, (answer.status_code, answer.text[:200])
    assert time.perf_counter() - started < 5
    assert peak < 40 * LIMIT_KB * 1024  # parsing costs a few times the body, never more


def _headers(body: bytes, kind: str, sign: bool, stamp: str | None, secret: bool,
             retry: str | None) -> dict[str, bytes]:
    headers = signed(body, kind) if sign else {"content-type": kind}
    if stamp is not None:
        headers["x-slack-request-timestamp"] = stamp
    if secret:
        headers["x-telegram-bot-api-secret-token"] = WEBHOOK_SECRET
    if retry is not None:
        headers["x-slack-retry-num"] = retry
    return {name: value.encode("utf-8", "replace") for name, value in headers.items()}
