"""Slack listeners. Each one acks at once (Slack wants an answer within 3 s) and leaves the
work to a lazy function, which asks the `ChatDoor` and posts the rendered reply."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.door import ChatDoor, Who
from bots.render import slack_reply
from core.ai.assistant import Reply

log = logging.getLogger(__name__)
Body = dict[str, Any]
REPLACING = ("confirm:", "rem:", "draft:")
HOME_BLOCK_LIMIT = 100
MENTION = re.compile(r"<@[A-Z0-9]+>\s*")


def post(client: WebClient, channel: str, reply: Reply, thread: str | None = None) -> None:
    """Post every piece; a piece Slack rejects for its blocks goes again as plain text."""
    for text, blocks in slack_reply(reply):
        try:
            client.chat_postMessage(channel=channel, text=text, blocks=blocks, thread_ts=thread)
        except SlackApiError as error:
            if "block" not in str(error.response.get("error", "")):
                raise
            client.chat_postMessage(channel=channel, text=text, thread_ts=thread)


def on_error(error: Exception, body: Body, client: WebClient) -> None:
    """The one error hook: trace to the log, an apology with a reference to the person."""
    reference = secrets.token_hex(4)
    log.error("slack request failed (ref %s)", reference, exc_info=error)
    channel = _channel(body)
    if channel:
        apology = f"Sorry, something went wrong on my side (reference {reference})."
        client.chat_postMessage(channel=channel, text=apology)


def _channel(body: Body) -> str | None:
    event = body.get("event") or {}
    found = event.get("channel") or body.get("channel_id") or (body.get("channel") or {}).get(
        "id") or (body.get("user") or {}).get("id")
    return str(found) if found else None


def guarded(work: Callable[[Body, WebClient], None]) -> Callable[[Body, WebClient], None]:
    """Lazy functions run after the ack, where bolt would only log an error: route it to
    the error hook instead."""
    def run(body: Body, client: WebClient) -> None:
        try:
            work(body, client)
        except Exception as error:
            on_error(error, body, client)
    run.__name__ = work.__name__  # bolt finds lazy functions by name
    return run


def ack_now(ack: Ack) -> None:
    ack()


class Listeners:
    """The work behind each listener, run after the ack."""

    def __init__(self, door: ChatDoor) -> None:
        self.door = door

    def direct_message(self, body: Body, client: WebClient) -> None:
        event = body["event"]
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # channel chatter, edits and bots (ourselves included) get no answer
        post(client, event["channel"], self.door.ask(Who(event["user"]), event.get("text", "")))

    def mention(self, body: Body, client: WebClient) -> None:
        event = body["event"]
        said = MENTION.sub("", event.get("text", "")).strip()
        post(client, event["channel"], self.door.command(Who(event["user"]), said),
             event.get("thread_ts"))

    def slash_command(self, body: Body, client: WebClient) -> None:
        who = Who(body["user_id"], body.get("user_name", ""))
        post(client, body["channel_id"], self.door.command(who, body.get("text", "")))

    def button(self, body: Body, client: WebClient) -> None:
        action = (body.get("actions") or [{}])[0]
        if action.get("url"):  # a link button: the browser opened it, nothing to run
            return
        payload = str(action.get("value", ""))
        reply = self.door.press(Who(body["user"]["id"]), payload)
        message = body.get("message")
        channel = (body.get("channel") or {}).get("id") or body["user"]["id"]
        if message and payload.startswith(REPLACING):
            text, blocks = slack_reply(reply)[0]
            client.chat_update(channel=channel, ts=message["ts"], text=text, blocks=blocks)
        else:
            post(client, channel, reply)

    def home(self, body: Body, client: WebClient) -> None:
        who = Who(body["event"]["user"])
        blocks = [b for reply in (self.door.today(who), self.door.tasks(who))
                  for _, part in slack_reply(reply) for b in part]
        client.views_publish(user_id=who.external_id,
                             view={"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]})


def register(app: App, door: ChatDoor) -> None:
    work = Listeners(door)
    app.event("message")(ack=ack_now, lazy=[guarded(work.direct_message)])
    app.event("app_mention")(ack=ack_now, lazy=[guarded(work.mention)])
    app.event("app_home_opened")(ack=ack_now, lazy=[guarded(work.home)])
    app.command("/aurelius")(ack=ack_now, lazy=[guarded(work.slash_command)])
    app.action(re.compile(".+"))(ack=ack_now, lazy=[guarded(work.button)])
    app.error(on_error)
