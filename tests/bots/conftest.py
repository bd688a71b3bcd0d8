"""Bots over test services: settings with tokens pointing at loopback stubs."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from itertools import count
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from aurelius.bootstrap import Services
from tests.e2e.conftest import run  # noqa: F401 (the CLI fixture, shared)
from tests.stubs.slack import SlackStub
from tests.stubs.telegram import TelegramStub

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from bots.slack.app import SlackBridge

TOKEN = "123:TEST"
WEBHOOK_SECRET = "hook-secret"
SIGNING_SECRET = "slack-signing-secret"
_ids = count(1)


def configure(services: Services, **values: Any) -> Services:
    """Replace settings on the test services (model_copy does not validate: wrap secrets)."""
    secret = {"telegram_bot_token", "telegram_webhook_secret", "slack_bot_token",
              "slack_signing_secret", "slack_app_token"}
    update = {k: SecretStr(v) if k in secret else v for k, v in values.items()}
    services.settings = services.settings.model_copy(update=update)
    return services


@pytest.fixture
def telegram_stub() -> Iterator[TelegramStub]:
    stub = TelegramStub(TOKEN).start()
    yield stub
    stub.stop()


@pytest.fixture
def tg_services(services: Services, telegram_stub: TelegramStub) -> Services:
    return configure(services, telegram_bot_token=TOKEN, telegram_base_url=telegram_stub.base_url,
                     telegram_webhook_secret=WEBHOOK_SECRET)


def message(text: str, user: int = 501, **extra: Any) -> dict[str, Any]:
    """A private-chat message update; a leading /command gets its bot_command entity."""
    body: dict[str, Any] = {
        "message_id": next(_ids), "date": 1773129600, "text": text,
        "chat": {"id": user, "type": "private", "first_name": "Ada"},
        "from": {"id": user, "is_bot": False, "first_name": "Ada", "last_name": "L"},
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0,
                             "length": len(text.split()[0])}]
    body.update(extra)
    return {"update_id": next(_ids), "message": body}


def press(data: str, user: int = 501, text: str = "list") -> dict[str, Any]:
    """A pressed inline button under an earlier bot message."""
    shown = {"message_id": next(_ids), "date": 1773129600, "text": text,
             "chat": {"id": user, "type": "private"},
             "from": {"id": 4242, "is_bot": True, "first_name": "Aurelius"}}
    return {"update_id": next(_ids), "callback_query": {
        "id": str(next(_ids)), "chat_instance": "ci", "data": data, "message": shown,
        "from": {"id": user, "is_bot": False, "first_name": "Ada"}}}


def feed(services: Services, *updates: dict[str, Any]) -> None:
    """Run updates through the real Application, as the webhook bridge does."""
    from telegram import Update

    from bots.telegram.app import build_application

    async def process() -> None:
        application = build_application(services)
        async with application:
            for update in updates:
                await application.process_update(Update.de_json(update, application.bot))

    asyncio.run(process())


class InlineExecutor(Executor):
    """Runs lazy listeners before `dispatch` returns, so tests see their calls."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


@pytest.fixture
def slack_stub() -> Iterator[SlackStub]:
    stub = SlackStub().start()
    yield stub
    stub.stop()


def inline_bridge(services: Services) -> SlackBridge:
    """The real bolt app behind the HTTP routes, its lazy listeners run inline."""
    from bots.slack.app import SlackBridge

    return SlackBridge(services, process_before_response=True, listener_executor=InlineExecutor())


@pytest.fixture
def bridge(services: Services, slack_stub: SlackStub) -> SlackBridge:
    configure(services, slack_bot_token=slack_stub.token, slack_base_url=slack_stub.base_url,
              slack_signing_secret=SIGNING_SECRET)
    return inline_bridge(services)


def signed(body: str | bytes, content_type: str, stamp: int | None = None) -> dict[str, str]:
    """Headers Slack would send with `body`, signed now (or at `stamp`) as Slack documents:
    v0=HMAC_SHA256(secret, "v0:{timestamp}:{body}") (bytes too, for bodies that are not
    UTF-8, which the SDK's verifier cannot take)."""
    stamp = stamp or int(time.time())
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{stamp}:".encode() + raw
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"content-type": content_type, "x-slack-request-timestamp": str(stamp),
            "x-slack-signature": signature}


@pytest.fixture
def make_client(services: Services, slack_stub: SlackStub,
                telegram_stub: TelegramStub) -> Iterator[Callable[..., TestClient]]:
    """The server with both bots behind it, on settings of the test's choosing."""
    from fastapi.testclient import TestClient

    from aurelius.server.app import create_app
    from bots.telegram.webhook import TelegramBridge

    bridges: list[TelegramBridge] = []

    def make(**settings: object) -> TestClient:
        configure(services, slack_bot_token=slack_stub.token,
                  slack_base_url=slack_stub.base_url, slack_signing_secret=SIGNING_SECRET,
                  telegram_bot_token=TOKEN, telegram_base_url=telegram_stub.base_url,
                  telegram_webhook_secret=WEBHOOK_SECRET, **settings)
        bridges.append(TelegramBridge(services).start())
        return TestClient(create_app(services, telegram=bridges[-1],
                                     slack=inline_bridge(services)))

    yield make
    for bridge in bridges:
        bridge.stop()
