"""Telegram over the wire: the webhook route of `aurelius serve`, long polling, and
reminders delivered by the notifier with buttons that work."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aurelius.adapters.telegram_notifier import TelegramNotifier
from aurelius.bootstrap import Services
from aurelius.server.app import create_app
from bots.telegram.webhook import TelegramBridge
from core.ports import Address, Note
from tests.bots.conftest import TOKEN, WEBHOOK_SECRET, feed, message, press
from tests.stubs.telegram import TelegramStub

HEADER = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}


@pytest.fixture
def client(tg_services: Services) -> Iterator[TestClient]:
    bridge = TelegramBridge(tg_services).start()
    yield TestClient(create_app(tg_services, telegram=bridge))
    bridge.stop()


def test_webhook_checks_the_secret_and_shape_and_runs_each_update_once(
        client: TestClient, telegram_stub: TelegramStub) -> None:
    update = message("/help")
    assert client.post("/telegram/webhook", json=update).status_code == 401
    forged = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
    assert client.post("/telegram/webhook", json=update, headers=forged).status_code == 401
    assert client.post("/telegram/webhook", content=b"{nope", headers=HEADER).status_code == 400
    assert client.post("/telegram/webhook", json=[1], headers=HEADER).status_code == 400
    assert client.post("/telegram/webhook", json=update, headers=HEADER).json() == {"ok": True}
    again = client.post("/telegram/webhook", json=update, headers=HEADER).json()
    assert again["duplicate"] is True
    assert len(telegram_stub.texts()) == 1 and "/today" in telegram_stub.texts()[0]


def test_webhook_rejects_an_update_telegram_would_never_send(
        client: TestClient, telegram_stub: TelegramStub) -> None:
    broken = {"update_id": 77, "message": {"text": "no chat, no date"}}
    assert client.post("/telegram/webhook", json=broken, headers=HEADER).status_code == 400
    assert telegram_stub.texts() == []


def test_health_routes(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "up"}


def test_long_polling_answers(tg_services: Services, telegram_stub: TelegramStub) -> None:
    from bots.telegram.app import build_application

    async def run() -> None:
        application = build_application(tg_services, polling=True)
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.01)
            telegram_stub.updates.append(message("/help"))
            await asyncio.to_thread(telegram_stub.sent.wait, 10)
            await application.updater.stop()
            await application.stop()

    asyncio.run(run())
    assert "getUpdates" in telegram_stub.methods()
    assert "/today" in telegram_stub.texts()[0]


def test_reminders_arrive_with_buttons_that_work(
        tg_services: Services, telegram_stub: TelegramStub) -> None:
    feed(tg_services, message("/start"))
    user = 1  # the first (and only) chat user
    tg_services.channels.add(user, "telegram", "501")
    at = tg_services.clock.now() - timedelta(minutes=1)
    reminder = tg_services.reminders.add(user, "Call <Bob> & co", at, requires_ack=True)
    notifier = TelegramNotifier(TOKEN, telegram_stub.base_url)
    note = Note("Reminder", "Call <Bob> & co", reminder_id=reminder.id, actions=("ack", "snooze"))
    notifier.send(Address("telegram", "501"), note)
    sent = telegram_stub.last("sendMessage")
    assert "Call &lt;Bob&gt; &amp; co" in sent["text"]
    markup = sent["reply_markup"] if isinstance(sent["reply_markup"], dict) else json.loads(
        sent["reply_markup"])
    datas = [b["callback_data"] for b in markup["inline_keyboard"][0]]
    assert datas == [f"rem:ack:{reminder.id}", f"rem:snooze:{reminder.id}"]
    feed(tg_services, press(datas[1]), press(datas[0]))
    edits = telegram_stub.texts("editMessageText")
    assert edits[0].startswith("Snoozed until") and edits[1] == "Acknowledged."


def test_notifier_failures_never_show_the_token(telegram_stub: TelegramStub) -> None:
    notifier = TelegramNotifier("999:WRONG", telegram_stub.base_url)
    with pytest.raises(ConnectionError) as caught:
        notifier.send(Address("telegram", "501"), Note("t", "b"))
    assert "WRONG" not in str(caught.value) and "401" in str(caught.value)
