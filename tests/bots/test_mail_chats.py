"""`/mail` and drafting in both chats: the needs-reply list with Draft / Archive / Open,
a draft's preview with Send / Cancel, and only the Send button sending."""

from __future__ import annotations

import json

import pytest

from aurelius.bootstrap import Services
from bots.slack.app import SlackBridge
from core.models import Identity
from tests.bots.conftest import feed, message, press
from tests.bots.test_slack import buttons, click, command, send
from tests.reply_fakes import FakeMailbox, add_message, mail_account, with_mailbox
from tests.stubs.slack import SlackStub
from tests.stubs.telegram import TelegramStub


def keyboard(stub: TelegramStub, method: str = "sendMessage") -> list[str]:
    markup = json.loads(stub.last(method).get("reply_markup") or "{}")
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def chat_user(services: Services, external_id: str) -> int:
    with services.db.transaction() as session:
        found = session.query(Identity).filter_by(external_id=external_id).one()
        return found.user_id


def seed(services: Services, user: int) -> dict[str, int]:
    account = mail_account(services, user)
    return {
        "anna": add_message(services, user, account),
        "news": add_message(services, user, account, subject="Digest", message_id="<n@x>",
                            category="newsletter"),
        "tom": add_message(services, user, account, sender_name="Tom Reed", subject="Lunch?",
                           sender_email="tom@example.org", message_id="<t@x>"),
    }


@pytest.fixture
def box() -> FakeMailbox:
    return FakeMailbox()


def test_telegram_mail_list_draft_and_only_the_send_button_sends(
        tg_services: Services, telegram_stub: TelegramStub, box: FakeMailbox) -> None:
    services = with_mailbox(tg_services, box)
    feed(services, message("/start"))
    ids = seed(services, chat_user(services, "501"))
    anna, tom = ids["anna"], ids["tom"]
    feed(services, message("/mail"))
    listed = telegram_stub.texts()[-1]
    assert listed.startswith("Mail that needs your reply:") and "Digest" not in listed
    assert f"#{anna} Tue 10 Mar 2026 09:00 Europe/Berlin Anna Berg: Contract" in listed
    assert keyboard(telegram_stub) == [f"mail:draft:{anna}", f"mail:archive:{anna}",
                                       f"mail:open:{anna}", f"mail:draft:{tom}",
                                       f"mail:archive:{tom}", f"mail:open:{tom}"]
    feed(services, press(f"mail:open:{anna}"), press(f"mail:draft:{anna}"))
    opened, offline = telegram_stub.texts()[-2:]
    assert opened.startswith("From: Anna Berg &lt;anna@example.org&gt;")
    assert "Can you sign by Friday?" in opened
    assert f"send /reply {anna} followed by your reply" in offline
    feed(services, message(f"/reply {anna} Signed, see attached."))
    preview = telegram_stub.texts()[-1]
    assert "Draft #1 (not sent)\nTo: Anna Berg &lt;anna@example.org&gt;" in preview
    assert "Subject: Re: Contract" in preview and "Signed, see attached." in preview
    assert keyboard(telegram_stub) == ["draft:send:1", "draft:cancel:1"] and box.sent == []
    feed(services, press("draft:send:1"))
    assert "Sent 'Re: Contract' to Anna Berg" in telegram_stub.last("editMessageText")["text"]
    feed(services, press("draft:send:1"))
    assert "sent already" in telegram_stub.last("editMessageText")["text"]
    assert len(box.sent) == 1 and box.sent[0][0].in_reply_to == "<m1@example.com>"


def test_telegram_cancel_and_archive(tg_services: Services, telegram_stub: TelegramStub,
                                     box: FakeMailbox) -> None:
    services = with_mailbox(tg_services, box)
    feed(services, message("/start"))
    tom = seed(services, chat_user(services, "501"))["tom"]
    feed(services, message(f"/reply {tom} I'm in"), press("draft:cancel:1"),
         press("draft:send:1"), press(f"mail:archive:{tom}"), message("/mail"),
         message("/reply soon"))
    edited = telegram_stub.texts("editMessageText")
    assert edited[0] == "Not sent. Draft #1 is discarded." and "No draft #1" in edited[1]
    texts = telegram_stub.texts()
    assert texts[-3] == f"Archived message #{tom}." and "Lunch?" not in texts[-2]
    assert texts[-1].startswith("Send /reply ID followed by your reply")
    assert box.sent == []


def test_slack_mail_and_send_button(bridge: SlackBridge, slack_stub: SlackStub,
                                    services: Services, box: FakeMailbox) -> None:
    with_mailbox(services, box)
    send(bridge, command("tasks"), form=True)  # signs the Slack user up
    anna = seed(services, chat_user(services, "U1"))["anna"]
    send(bridge, command("mail"), form=True)
    listing = slack_stub.of("chat.postMessage")[-1]
    assert "Anna Berg: Contract" in listing["text"]
    assert buttons(listing)[:3] == [f"mail:draft:{anna}", f"mail:archive:{anna}",
                                    f"mail:open:{anna}"]
    send(bridge, command(f"reply {anna} Signed."), form=True)
    assert buttons(slack_stub.of("chat.postMessage")[-1]) == ["draft:send:1", "draft:cancel:1"]
    assert box.sent == []
    send(bridge, click("draft:send:1"), form=True)
    assert slack_stub.of("chat.update")[-1]["text"].startswith("Sent 'Re: Contract'")
    assert len(box.sent) == 1
