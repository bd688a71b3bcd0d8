"""Conversations with the real python-telegram-bot against a loopback Bot API stub."""

from __future__ import annotations

import json

from aurelius.bootstrap import Services
from core.models import Identity
from core.services.links import LinkService
from tests.bots.conftest import configure, feed, message, press
from tests.stubs.fake_model import FakeChatModel
from tests.stubs.helpers import ai_with
from tests.stubs.telegram import TelegramStub


def keyboard(stub: TelegramStub) -> list[str]:
    markup = json.loads(stub.last("sendMessage").get("reply_markup") or "{}")
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def identities(services: Services) -> list[tuple[str, str, int]]:
    with services.db.transaction() as session:
        return [(i.channel, i.external_id, i.user_id) for i in session.query(Identity)]


def test_start_onboards_under_the_open_policy(tg_services: Services,
                                              telegram_stub: TelegramStub) -> None:
    feed(tg_services, message("/start"))
    assert telegram_stub.methods()[0] == "getMe"
    assert telegram_stub.texts()[-1].startswith("Welcome, Ada L!")
    assert telegram_stub.last("sendMessage")["parse_mode"] == "HTML"
    assert ("telegram", "501", 1) in identities(tg_services)


def test_invite_only_needs_a_code_and_the_code_links_the_account(
        tg_services: Services, telegram_stub: TelegramStub, user_id: int) -> None:
    configure(tg_services, bot_onboarding="invite")
    tg_services.tasks.add(user_id, "Pay rent")
    feed(tg_services, message("/tasks"))
    assert "invite-only" in telegram_stub.texts()[-1]
    code = LinkService(tg_services.db, tg_services.clock).issue(user_id, "telegram")
    feed(tg_services, message("/link WRONG123"), message(f"/link {code.lower()}"),
         message("/tasks"), message(f"/link {code}"))
    texts = telegram_stub.texts()
    assert "unknown, used or expired" in texts[-4]
    assert texts[-3].startswith("Linked")
    assert "Pay rent" in texts[-2]
    assert "unknown, used or expired" in texts[-1]  # one-time
    assert ("telegram", "501", user_id) in identities(tg_services)


def test_quick_add_list_and_buttons(tg_services: Services, telegram_stub: TelegramStub) -> None:
    feed(tg_services, message("todo: buy milk"), message("/tasks"))
    assert "Added task #1 buy milk" in telegram_stub.texts()[0]
    assert keyboard(telegram_stub) == ["task:done:1", "task:snooze:1", "task:open:1"]
    feed(tg_services, press("task:open:1"), press("task:snooze:1"), press("task:done:1"),
         press("task:done:1"))
    texts = telegram_stub.texts()
    assert texts[-4].startswith("#1 buy milk")
    assert "remind you about #1" in texts[-3]
    assert texts[-2] == "Done: #1 buy milk."
    assert "already done" in texts[-1]
    assert telegram_stub.methods().count("answerCallbackQuery") == 4


def test_unknown_and_foreign_buttons_change_nothing(
        tg_services: Services, telegram_stub: TelegramStub, user_id: int) -> None:
    theirs = tg_services.tasks.add(user_id, "Not yours")
    feed(tg_services, press("drop table"), press(f"task:done:{theirs.id}"),
         press("task:done:99999"))
    assert "no longer valid" in telegram_stub.texts()[0]
    assert all("No task" in t or "not found" in t.lower() for t in telegram_stub.texts()[1:])
    assert tg_services.tasks.get(user_id, theirs.id).status == "pending"


def test_titles_are_escaped_and_bad_markup_falls_back_to_plain_text(
        tg_services: Services, telegram_stub: TelegramStub) -> None:
    feed(tg_services, message("todo: <b>& co"))
    assert "&lt;b&gt;&amp; co" in telegram_stub.texts()[-1]
    telegram_stub.reject_html = 1
    feed(tg_services, message("/tasks"))
    last = telegram_stub.last("sendMessage")
    assert "parse_mode" not in last and "<b>& co" in last["text"]


def test_confirm_and_cancel_buttons_settle_a_held_action(
        tg_services: Services, telegram_stub: TelegramStub) -> None:
    feed(tg_services, message("todo: old idea"))
    model = FakeChatModel("anthropic")
    model.enqueue("", ("delete_task", {"task_id": 1})).enqueue("Delete task #1? Confirm?")
    tg_services.ai = ai_with(tg_services, {"anthropic": model})
    feed(tg_services, message("please delete my old idea task"))
    assert keyboard(telegram_stub) == ["confirm:yes", "confirm:no"]
    feed(tg_services, press("confirm:yes"))
    assert "Deleted task #1" in telegram_stub.last("editMessageText")["text"]
    user = identities(tg_services)[0][2]
    assert tg_services.tasks.ranked(user) == []


def test_voice_photo_help_and_rate_limit(tg_services: Services,
                                         telegram_stub: TelegramStub) -> None:
    voice = {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}}
    feed(tg_services, message("", **voice), message("/help"))
    assert "can't read voice" in telegram_stub.texts()[0]
    assert "/today" in telegram_stub.texts()[1]
    configure(tg_services, bot_rate_per_minute=2)
    feed(tg_services, message("/today"), message("/today"), message("/today"))
    assert "faster than I can keep up" in telegram_stub.texts()[-1]


def test_errors_get_an_apology_with_a_reference(
        tg_services: Services, telegram_stub: TelegramStub, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bots.door import ChatDoor

    def broken(self: ChatDoor, who: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ChatDoor, "brief", broken)
    feed(tg_services, message("/brief"), message("/help"))
    assert "something went wrong on my side (reference" in telegram_stub.texts()[0]
    assert "/today" in telegram_stub.texts()[1]  # still running


def test_today_remind_brief_and_usage(tg_services: Services, telegram_stub: TelegramStub) -> None:
    feed(tg_services, message("/remind call mum tomorrow 6pm"), message("/today"),
         message("/brief"), message("/usage"), message("/remind"))
    texts = telegram_stub.texts()
    assert "call mum" in texts[0] and texts[1].startswith("Today, Tue 10 Mar")
    assert texts[2].startswith("Brief for") and "AI requests today" in texts[3]
    assert texts[4].startswith("What and when?")


def test_a_doubtful_offline_add_gets_confirm_and_edit_buttons(
        tg_services: Services, telegram_stub: TelegramStub) -> None:
    feed(tg_services, message("remind me to call Bob tomorrow at 5pm at 6pm"))
    assert "Not sure I read that right (two different times)" in telegram_stub.texts()[-1]
    assert keyboard(telegram_stub) == ["confirm:yes", "confirm:edit"]
    feed(tg_services, press("confirm:edit"))
    assert "Say it again" in telegram_stub.last("editMessageText")["text"]
    user = identities(tg_services)[0][2]
    assert tg_services.reminders.upcoming(user) == []
    feed(tg_services, message("remind me to call Bob tomorrow at 5pm at 6pm"), press("confirm:yes"))
    assert [r.title for r in tg_services.reminders.upcoming(user)] == ["call Bob"]
