"""Hostile requests against the webhook server over real HTTP requests (TestClient):
body limits, signatures checked before parsing, malformed bodies, Slack replays and the
rate limit for unauthenticated clients."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from aurelius.bootstrap import Services
from tests.bots import conftest as bots
from tests.bots.conftest import WEBHOOK_SECRET, message, signed
from tests.stubs.slack import SlackStub

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TG = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
# the bots' fixtures: loopback stubs and the server with both bots behind it
slack_stub, telegram_stub, make_client = bots.slack_stub, bots.telegram_stub, bots.make_client
SLACK_ROUTES = ("/slack/events", "/slack/commands", "/slack/interactions")


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(max_body_kb=4)


def command(text: str, trigger: str) -> str:
    return urlencode({"command": "/aurelius", "text": text, "user_id": "U1", "user_name": "ada",
                      "channel_id": "D1", "team_id": "T1", "trigger_id": trigger,
                      "response_url": "http://127.0.0.1:9/x"})


def dm(text: str, event_id: str) -> str:
    return json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
                       "event_id": event_id, "event_time": 1, "event": {
                           "type": "message", "channel_type": "im", "user": "U1",
                           "text": text, "channel": "D1", "ts": "1.1"}})


def post_signed(client: TestClient, path: str, body: str | bytes, kind: str,
                **extra: str) -> int:
    return client.post(path, content=body, headers=signed(body, kind) | extra).status_code


def titles(services: Services) -> list[str]:
    return [task.title for task in services.tasks.ranked(1)]


def test_bodies_over_the_limit_get_413_on_every_route_before_any_check(
        client: TestClient) -> None:
    big = b"x" * 5000
    for path in (*SLACK_ROUTES, "/telegram/webhook", "/healthz"):
        assert client.post(path, content=big).status_code == 413, path
    signed_big = json.dumps({"type": "event_callback", "pad": "x" * 5000})
    assert post_signed(client, "/slack/events", signed_big, JSON) == 413


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(1000):  # 1 MB offered; the server stops reading after 4 KiB
            yield b"y" * 1024

    answer = client.post("/telegram/webhook", content=chunks(), headers=TG)
    assert answer.status_code == 413
    assert client.post("/telegram/webhook", content=iter([b"{}"]), headers=TG).status_code == 400


def test_bad_timestamps_and_signatures_are_401_never_500(client: TestClient) -> None:
    body = command("help", "trig-1")
    headers = signed(body, FORM)
    for stamp in ("9" * 5000, "²³", "-1", "", "1e3", "0x10", " 17"):
        bad = headers | {"x-slack-request-timestamp": stamp}
        assert client.post("/slack/commands", content=body, headers=latin1(bad)
                           ).status_code == 401, stamp
    odd = headers | {"x-slack-signature": "v0=é" + "0" * 60}
    assert client.post("/slack/commands", content=body, headers=latin1(odd)).status_code == 401
    assert client.post("/slack/commands", content=body, headers=headers).status_code == 200


def latin1(headers: dict[str, str]) -> dict[str, bytes]:
    """Header values as raw bytes, the way a hostile client can send them."""
    return {name: value.encode("latin-1") for name, value in headers.items()}


def test_signed_bodies_that_slack_would_never_send_are_400(
        client: TestClient, slack_stub: SlackStub) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    for body, kind in (("[1, 2]", JSON), ('"text"', JSON), (deep[:4000], JSON),
                       ('{"a":' * 40 + "1" + "}" * 40, JSON), ("9" * 3000, JSON),
                       ("payload=" + "%5B" * 1000, FORM), ("payload=%5B1%5D", FORM),
                       (b"\xff\xfe{", JSON)):
        for path in SLACK_ROUTES:
            assert post_signed(client, path, body, kind) == 400, (body[:20], path)
    for event in ([], {"type": 5}):  # bolt trips over these
        body = json.dumps({"type": "event_callback", "event_id": f"Ev{len(str(event))}",
                           "event": event})
        assert 400 <= post_signed(client, "/slack/events", body, JSON) < 500, event
    assert slack_stub.of("chat.postMessage") == []


def test_telegram_bodies_that_are_not_updates_are_400(client: TestClient) -> None:
    deep = '{"update_id": 1, "message": ' + "[" * 1500 + "]" * 1500 + "}"
    for body in (b"[1]", b'"x"', b"[" * 4000, deep.encode()[:4000], b"\xff", b"1" * 3000):
        assert client.post("/telegram/webhook", content=body, headers=TG).status_code == 400
    nested = {"update_id": 5, "message": json.loads("[" * 40 + "]" * 40)}
    assert client.post("/telegram/webhook", json=nested, headers=TG).status_code == 400


def test_a_slash_command_sent_again_runs_once_retries_included(
        client: TestClient, services: Services) -> None:
    body = command("todo: water the plants", "13345224609.738474920.8088930838d88f")
    for retry in ("", "", "1", "2"):
        extra = {"x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout"} if retry \
            else {}
        assert post_signed(client, "/slack/commands", body, FORM, **extra) == 200
    assert titles(services) == ["water the plants"]
    assert post_signed(client, "/slack/commands", command("todo: feed cat", "trig-2"),
                       FORM) == 200
    assert sorted(titles(services)) == ["feed cat", "water the plants"]


def test_an_event_redelivered_with_a_new_signature_runs_once(
        client: TestClient, services: Services, slack_stub: SlackStub) -> None:
    body = dm("todo: renew passport", "Ev0ABCDEF")
    assert post_signed(client, "/slack/events", body, JSON) == 200
    later = signed(body, JSON, stamp=int(time.time()) + 30) | {"x-slack-retry-num": "1"}
    assert client.post("/slack/events", content=body, headers=later).status_code == 200
    assert titles(services) == ["renew passport"] and len(posted_texts(slack_stub)) == 1


def posted_texts(stub: SlackStub) -> list[str]:
    return [str(p["text"]) for p in stub.of("chat.postMessage")]


def test_interactions_and_id_less_requests_run_once(
        client: TestClient, services: Services, slack_stub: SlackStub) -> None:
    post_signed(client, "/slack/commands", command("todo: file taxes", "trig-3"), FORM)
    click = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"},
             "api_app_id": "A1", "channel": {"id": "D1"}, "container": {"type": "message"},
             "trigger_id": "trig-4", "actions": [{"type": "button", "action_id": "task:done:1",
                                                  "value": "task:done:1", "block_id": "b",
                                                  "action_ts": "1"}]}
    body = urlencode({"payload": json.dumps(click)})
    for _ in range(3):
        assert post_signed(client, "/slack/interactions", body, FORM) == 200
    assert [t for t in posted_texts(slack_stub) if "Done" in t or "already" in t] == [
        "Done: #1 file taxes."]
    bare = json.dumps(click | {"trigger_id": None, "actions": []})
    bare_body = urlencode({"payload": bare})
    first = client.post("/slack/interactions", content=bare_body, headers=signed(bare_body, FORM))
    second = client.post("/slack/interactions", content=bare_body,
                         headers=signed(bare_body, FORM))
    assert "x-aurelius-duplicate" not in first.headers
    assert second.headers["x-aurelius-duplicate"] == "1"


def test_the_url_check_is_answered_every_time(client: TestClient) -> None:
    challenge = json.dumps({"type": "url_verification", "challenge": "abc", "token": "t"})
    for _ in range(2):
        answer = client.post("/slack/events", content=challenge,
                             headers=signed(challenge, JSON))
        assert answer.status_code == 200 and "abc" in answer.text


def test_unauthenticated_clients_are_limited_per_address(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(unauthenticated_rate_per_minute=3)
    for number in range(5):  # signed requests never use up the budget
        assert post_signed(client, "/slack/commands", command("help", f"t{number}"), FORM) == 200
    assert client.post("/telegram/webhook", json=message("/help"), headers=TG).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/slack/events", content=b"{}").status_code == 401
    assert client.post("/telegram/webhook", json=message("/help")).status_code == 401
    refused = client.post("/slack/events", content=b"{}")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert client.get("/healthz").status_code == 429
    other = TestClient(client.app, client=("192.0.2.7", 5000))
    assert other.get("/healthz").status_code == 200


def test_records_older_than_their_memory_are_dropped_hourly(services: Services) -> None:
    from datetime import UTC, datetime, timedelta

    from aurelius.adapters.clock import FixedClock
    from aurelius.server.app import Seen
    from core.services.links import LinkService

    clock = FixedClock(datetime.now(UTC))
    seen = Seen(LinkService(services.db, clock))
    assert seen.first_time("slack", "event_id:Ev1") and not seen.first_time("slack", "event_id:Ev1")
    clock.instant += timedelta(days=3)
    assert not seen.first_time("slack", "event_id:Ev1")  # within the hour: no clean-up yet
    seen._pruned -= 3601
    assert seen.first_time("slack", "event_id:Ev1")
