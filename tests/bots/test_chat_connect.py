"""`/connect google|microsoft` in chat: a one-time link button to `aurelius serve`, which
sends the browser to the provider, links the account on the callback and tells the chat."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from aurelius.adapters.local_queue import InProcessQueue
from aurelius.adapters.telegram_notifier import TelegramNotifier
from aurelius.bootstrap import Services
from aurelius.server.app import create_app
from aurelius.workers.jobs import SYNC
from bots.door import ChatDoor, Who
from bots.render import slack_reply
from core.models import Identity
from tests.bots.conftest import TOKEN, configure, feed, message
from tests.oauth_stands import PROVIDERS, Stand, consent, each
from tests.stubs.telegram import TelegramStub

PUBLIC = "http://testserver"  # the TestClient's own address


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stand]:
    yield from each(request, monkeypatch)


def _point_at(services: Services, found: Stand) -> Services:
    key = found.name
    return configure(services, public_url=PUBLIC, **{
        f"{key}_base_url": found.stub.url, f"{key}_client_id": found.state.client_id,
        f"{key}_client_secret": SecretStr(found.state.client_secret)})


def _queued(services: Services) -> set[str]:
    """Functions waiting in the (not started) embedded queue."""
    assert isinstance(services.queue, InProcessQueue)
    return {job.function for job in list(services.queue._jobs.queue) if job}


def _link_button(stub: TelegramStub) -> str:
    markup = json.loads(stub.last("sendMessage").get("reply_markup") or "{}")
    [[button]] = markup["inline_keyboard"]
    return str(button["url"])


def test_telegram_connect_links_the_account_and_confirms_in_the_chat(
    tg_services: Services, telegram_stub: TelegramStub, provider: Stand
) -> None:
    services = _point_at(tg_services, provider)
    services.notifiers["telegram"] = TelegramNotifier(TOKEN, telegram_stub.base_url)
    feed(services, message(f"/connect {provider.name}"))
    assert telegram_stub.texts()[-1].startswith(f"Tap the button to connect {provider.label}")
    link = _link_button(telegram_stub)
    assert link.startswith(f"{PUBLIC}/oauth/{provider.name}/start?link=")
    client = TestClient(create_app(services))
    start = client.get(link.removeprefix(PUBLIC), follow_redirects=False)
    assert start.status_code == 302 and start.headers["location"].startswith(provider.stub.url)
    back = consent(start.headers["location"])
    assert back.startswith(f"{PUBLIC}/oauth/{provider.name}/callback?")
    queued = _queued(services)
    done = client.get(back.removeprefix(PUBLIC))
    assert done.status_code == 200 and "Connected ada@example.com" in done.text
    assert _queued(services) - queued == {SYNC}  # its calendars are fetched next
    assert "Linked ada@example.com" in telegram_stub.texts()[-1]
    with services.db.transaction() as session:
        user = session.query(Identity).filter_by(channel="telegram").one().user_id
    assert [v.account for v in services.connections.list(user)] == ["ada@example.com"]
    again = client.get(link.removeprefix(PUBLIC))
    assert again.status_code == 400 and "already used" in again.text
    replay = client.get(back.removeprefix(PUBLIC))
    assert replay.status_code == 400 and "already used" in replay.text


def test_a_forged_link_and_a_denied_consent_save_nothing(
    services: Services, provider: Stand, user_id: int
) -> None:
    client = TestClient(create_app(_point_at(services, provider)))
    forged = client.get(f"/oauth/{provider.name}/start?link=made.up")
    assert forged.status_code == 400 and "not started by Aurelius" in forged.text
    provider.state.deny = True
    link = ChatDoor(services, "slack").command(Who("U1"), f"connect {provider.name}").actions[0]
    back = consent(client.get(urlsplit(link)._replace(scheme="", netloc="").geturl(),
                              follow_redirects=False).headers["location"])
    denied = client.get(back.removeprefix(PUBLIC))
    assert denied.status_code == 400 and "consent was denied" in denied.text
    assert all(services.connections.list(u) == [] for u in (user_id, user_id + 1))


def test_slack_gets_a_link_button_and_chat_without_a_public_url_is_told(
    services: Services, provider: Stand
) -> None:
    reply = ChatDoor(_point_at(services, provider), "slack").command(
        Who("U1"), f"connect {provider.name}")
    [(_, blocks)] = slack_reply(reply)
    [button] = blocks[-1]["elements"]
    assert button["url"].startswith(f"{PUBLIC}/oauth/{provider.name}/start?link=")
    configure(services, public_url=None)
    told = ChatDoor(services, "slack").command(Who("U1"), f"connect {provider.name}")
    assert "needs AURELIUS_PUBLIC_URL" in told.text and not told.actions
    assert "Send /connect google" in ChatDoor(services, "slack").command(
        Who("U1"), "connect yahoo").text
