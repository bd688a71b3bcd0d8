"""Notifier adapters against real receivers on loopback: a signed webhook and SMTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from aurelius.adapters.notifiers import SmtpNotifier, WebhookNotifier
from core.ports import Address, Note
from tests.stubs.webhook import WebhookReceiver

NOTE = Note(
    title="Call the bank",
    body="Tue 10 Mar 10:00 Europe/Berlin",
    reminder_id=7,
    actions=("ack", "snooze"),
)


def test_webhook_posts_signed_json() -> None:
    with WebhookReceiver(secret="s3cret") as receiver:
        WebhookNotifier(secret="s3cret").send(Address("webhook", receiver.url), NOTE)
        (got,) = receiver.received
        assert got.body["title"] == "Call the bank" and got.body["reminder_id"] == 7
        assert got.headers["x-aurelius-signature"].startswith("sha256=")


def test_webhook_with_the_wrong_secret_is_rejected_and_raises() -> None:
    with WebhookReceiver(secret="right") as receiver:
        with pytest.raises(Exception, match="401"):
            WebhookNotifier(secret="wrong").send(Address("webhook", receiver.url), NOTE)
        assert receiver.rejected == 1 and receiver.received == []


def test_webhook_default_url_is_used_without_a_target() -> None:
    with WebhookReceiver() as receiver:
        WebhookNotifier(default_url=receiver.url).send(Address("webhook"), NOTE)
        assert len(receiver.received) == 1
    with pytest.raises(LookupError, match="AURELIUS_NOTIFY_WEBHOOK_URL"):
        WebhookNotifier().send(Address("webhook"), NOTE)


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[bytes]]]:
    from aiosmtpd.controller import Controller

    messages: list[bytes] = []

    class Sink:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            messages.append(envelope.content)  # type: ignore[attr-defined]
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, messages
    controller.stop()


def test_email_goes_out_over_smtp(smtp_sink: tuple[int, list[bytes]]) -> None:
    port, messages = smtp_sink
    SmtpNotifier("127.0.0.1", port, sender="aurelius@example.com", starttls=False).send(
        Address("email", "me@example.com"), NOTE
    )
    (raw,) = messages
    assert b"Subject: Call the bank" in raw and b"To: me@example.com" in raw


def test_every_webhook_request_carries_the_delivery_key() -> None:
    keyed = Note("Stretch", "", key="5f1d0c")
    with WebhookReceiver() as receiver:
        WebhookNotifier().send(Address("webhook", receiver.url), keyed)
        WebhookNotifier().send(Address("webhook", receiver.url), keyed)
    assert [r.headers["x-aurelius-delivery"] for r in receiver.received] == ["5f1d0c"] * 2


def test_a_timeout_after_the_request_went_out_is_maybe_delivered() -> None:
    from core.errors import DeliveryUncertain

    with WebhookReceiver(delay=1.0) as receiver:  # answers after the client gave up
        with pytest.raises(DeliveryUncertain, match="may have arrived"):
            WebhookNotifier(timeout=0.2).send(Address("webhook", receiver.url), NOTE)
        assert len(receiver.received) == 1  # it did arrive


def test_a_refused_webhook_did_not_receive_anything() -> None:
    """Refused before anything was sent: a plain failure, retried on the short backoff."""
    import urllib.error

    from core.errors import DeliveryUncertain

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(urllib.error.URLError) as raised:
        WebhookNotifier(timeout=0.5).send(Address("webhook", f"http://127.0.0.1:{port}/h"), NOTE)
    assert not isinstance(raised.value, DeliveryUncertain)
