"""Slack with the real slack-bolt: signed requests through `app.dispatch` and through the
HTTP routes of `aurelius serve`, against a Web API stub that records calls."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from aurelius.adapters.slack_notifier import SlackNotifier
from aurelius.bootstrap import Services
from aurelius.server.app import create_app
from bots.slack.app import SlackBridge
from core.ports import Address, Note
from tests.bots.conftest import SIGNING_SECRET, configure, inline_bridge, signed
from tests.stubs.fake_model import FakeChatModel
from tests.stubs.helpers import ai_with
from tests.stubs.slack import SlackStub


def event(kind: str, text: str = "", **extra: Any) -> str:
    inner = {"type": kind, "user": "U1", "text": text, "channel": "D1", "ts": "1.1", **extra}
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": f"Ev{time.time_ns()}",
            "event_time": 1,
            "event": inner,
        }
    )


def command(text: str) -> str:
    return urlencode(
        {
            "command": "/aurelius",
            "text": text,
            "user_id": "U1",
            "user_name": "ada",
            "channel_id": "D1",
            "team_id": "T1",
            "response_url": "http://127.0.0.1:9/x",
            "trigger_id": f"trig{time.time_ns()}",
        }
    )


def click(value: str) -> str:
    payload = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "channel": {"id": "D1"},
        "message": {"ts": "9.9"},
        "container": {"type": "message"},
        "trigger_id": f"trig{time.time_ns()}",
        "actions": [
            {
                "type": "button",
                "action_id": value,
                "value": value,
                "block_id": "b",
                "action_ts": "1",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def send(bridge: SlackBridge, body: str, form: bool = False) -> int:
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    return bridge.handle(body.encode(), signed(body, kind))[0]


def posted(stub: SlackStub) -> list[str]:
    return [str(p["text"]) for p in stub.of("chat.postMessage")]


def buttons(params: dict[str, Any]) -> list[str]:
    blocks = (
        params["blocks"] if isinstance(params["blocks"], list) else json.loads(params["blocks"])
    )
    return [e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_dm_quick_add_and_task_buttons(
    bridge: SlackBridge, slack_stub: SlackStub, services: Services
) -> None:
    assert slack_stub.methods() == ["auth.test"]
    assert send(bridge, event("message", "todo: <b>& milk", channel_type="im")) == 200
    assert "Added task #1 &lt;b&gt;&amp; milk" in posted(slack_stub)[0]
    send(bridge, command("tasks"), form=True)
    assert buttons(slack_stub.of("chat.postMessage")[-1])[:3] == [
        "task:done:1",
        "task:snooze:1",
        "task:open:1",
    ]
    send(bridge, click("task:done:1"), form=True)
    send(bridge, click("task:done:1"), form=True)
    send(bridge, click("no:such:button"), form=True)
    done, again = posted(slack_stub)[-3:-1]
    assert done == "Done: #1 &lt;b&gt;&amp; milk." and again == "Task #1 is already done."
    assert "no longer valid" in posted(slack_stub)[-1]


def test_mentions_reply_in_the_thread_and_channel_chatter_is_ignored(
    bridge: SlackBridge, slack_stub: SlackStub
) -> None:
    send(bridge, event("message", "just chatting", channel_type="channel"))
    send(bridge, event("app_mention", "<@UBOT> help", thread_ts="5.5"))
    assert len(slack_stub.of("chat.postMessage")) == 1
    reply = slack_stub.of("chat.postMessage")[0]
    assert reply["thread_ts"] == "5.5" and "/today" in reply["text"]


def test_app_home_shows_today_and_tasks(
    bridge: SlackBridge, slack_stub: SlackStub, services: Services
) -> None:
    send(bridge, event("message", "todo: pay rent", channel_type="im"))
    send(bridge, event("app_home_opened", tab="home"))
    view = slack_stub.of("views.publish")[0]["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    text = json.dumps(view["blocks"])
    assert view["type"] == "home" and "Today" in text and "pay rent" in text


def test_confirmation_buttons_update_the_question(
    bridge: SlackBridge, slack_stub: SlackStub, services: Services
) -> None:
    send(bridge, event("message", "todo: old idea", channel_type="im"))
    model = FakeChatModel("anthropic")
    model.enqueue("", ("delete_task", {"task_id": 1})).enqueue("Delete task #1?")
    door_services = services
    door_services.ai = ai_with(services, {"anthropic": model})
    bridge = inline_bridge(door_services)
    send(bridge, event("message", "delete the old idea", channel_type="im"))
    assert buttons(slack_stub.of("chat.postMessage")[-1]) == ["confirm:yes", "confirm:no"]
    send(bridge, click("confirm:no"), form=True)
    assert slack_stub.of("chat.update")[0]["text"].startswith("Cancelled: delete task #1")


def test_bad_blocks_fall_back_to_text_and_errors_apologise(
    bridge: SlackBridge, slack_stub: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack_stub.reject_blocks = 1
    send(bridge, command("help"), form=True)
    last = slack_stub.of("chat.postMessage")[-1]
    assert "blocks" not in last and "/today" in last["text"]
    from bots.door import ChatDoor

    def broken(self: ChatDoor, who: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ChatDoor, "usage", broken)
    send(bridge, command("usage"), form=True)
    assert "something went wrong on my side (reference" in posted(slack_stub)[-1]


def test_http_routes_verify_signature_and_age(
    bridge: SlackBridge, slack_stub: SlackStub, services: Services
) -> None:
    client = TestClient(create_app(services, slack=bridge))
    body = command("help")
    form = "application/x-www-form-urlencoded"
    good = client.post("/slack/commands", content=body, headers=signed(body, form))
    assert good.status_code == 200
    forged = signed(body, form) | {"x-slack-signature": "v0=" + "0" * 64}
    assert client.post("/slack/commands", content=body, headers=forged).status_code == 401
    stale = signed(body, form, stamp=int(time.time()) - 600)
    assert client.post("/slack/commands", content=body, headers=stale).status_code == 401
    assert client.post("/slack/events", content=body).status_code == 401
    challenge = json.dumps({"type": "url_verification", "challenge": "abc", "token": "t"})
    answer = client.post(
        "/slack/events", content=challenge, headers=signed(challenge, "application/json")
    )
    assert answer.status_code == 200 and "abc" in answer.text
    for bad, kind in (
        ("{nope", "application/json"),
        ("payload=%7Bnope", "application/x-www-form-urlencoded"),
    ):
        refused = client.post("/slack/events", content=bad, headers=signed(bad, kind))
        assert refused.status_code == 400
    assert len(slack_stub.of("chat.postMessage")) == 1


def test_notifier_buttons_acknowledge_and_snooze(
    bridge: SlackBridge, slack_stub: SlackStub, services: Services
) -> None:
    send(bridge, command("start"), form=True)
    at = services.clock.now()
    reminder = services.reminders.add(1, "Stand-up <now>", at, requires_ack=True)
    note = Note("Reminder", "Stand-up <now>", reminder_id=reminder.id, actions=("ack", "snooze"))
    SlackNotifier(slack_stub.token, slack_stub.base_url).send(Address("slack", "D1"), note)
    sent = slack_stub.of("chat.postMessage")[-1]
    assert "Stand-up &lt;now&gt;" in sent["text"]
    assert buttons(sent) == [f"rem:ack:{reminder.id}", f"rem:snooze:{reminder.id}"]
    send(bridge, click(f"rem:ack:{reminder.id}"), form=True)
    assert slack_stub.of("chat.update")[-1]["text"] == "Acknowledged."
    with pytest.raises(ConnectionError):
        SlackNotifier("xoxb-wrong", slack_stub.base_url).send(Address("slack", "D1"), note)


def test_socket_mode_receives_an_event_acks_it_and_replies(
    services: Services, slack_stub: SlackStub
) -> None:
    """`aurelius bot slack` end to end: apps.connections.open, the WebSocket, the envelope's
    acknowledgement, and the reply through the Web API."""
    from bots.slack.app import socket_mode
    from tests.stubs.slack_socket import SocketModeStub

    socket = SocketModeStub().start()
    slack_stub.socket_url = socket.url
    configure(
        services,
        slack_bot_token=slack_stub.token,
        slack_base_url=slack_stub.base_url,
        slack_app_token=slack_stub.app_token,
    )
    handler = socket_mode(services)
    handler.connect()
    try:
        assert socket.connected.wait(10)
        socket.send(
            {
                "envelope_id": "env-1",
                "type": "events_api",
                "accepts_response_payload": False,
                "payload": json.loads(event("message", "buy milk tomorrow", channel_type="im")),
            }
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (socket.acks and posted(slack_stub)):
            time.sleep(0.05)
        assert socket.acks[0]["envelope_id"] == "env-1"
        assert posted(slack_stub) and "Added task #1 buy milk" in posted(slack_stub)[0]
    finally:
        handler.close()
        socket.stop()


def test_the_test_signature_is_the_one_the_sdk_verifies() -> None:
    from slack_sdk.signature import SignatureVerifier

    headers = signed("a=1", "x")
    assert SignatureVerifier(SIGNING_SECRET).is_valid_request("a=1", headers)
