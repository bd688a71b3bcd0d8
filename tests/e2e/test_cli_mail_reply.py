"""`aurelius mail draft` and `mail send` through the CLI runner, on a fake mail account."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest

from aurelius.bootstrap import Services, build_services
from cli import context
from tests.e2e.conftest import Run, as_json
from tests.reply_fakes import FakeMailbox, add_message, mail_account, with_mailbox


@pytest.fixture
def box(run: Run, monkeypatch: pytest.MonkeyPatch) -> FakeMailbox:
    """Every command's services send through one fake account."""
    mailbox = FakeMailbox()
    monkeypatch.setattr(context, "services", cache(lambda: with_mailbox(build_services(),
                                                                         mailbox)))
    return mailbox


def seeded(make: Callable[[Services, int], int]) -> int:
    """Rows written as the CLI's own user, with the services a command would get."""
    services = context.services()
    try:
        return make(services, services.local_user_id())
    finally:
        services.close()
        context.services.cache_clear()


def message(services: Services, user: int) -> int:
    return add_message(services, user, mail_account(services, user))


def test_draft_then_send_asks_and_shows_every_recipient(run: Run, box: FakeMailbox) -> None:
    original = seeded(message)
    drafted = run("mail", "draft", str(original), "Yes, next week. Could you send the agenda?")
    out = drafted.stdout
    assert "No AI model is set up" in out and "To:      Anna Berg <anna@example.org>" in out
    assert "Subject: Re: Contract" in out and "> Can you sign by Friday?" in out
    assert "Saved as draft #1 (not sent). Send it: aurelius mail send 1" in out
    refused = run("mail", "send", "1", input="n\n", ok=False)
    assert "To:      Anna Berg <anna@example.org>" in refused.stdout
    assert "  | Yes, next week. Could you send the agenda?" in refused.stdout
    assert "Send it? [y/N]" in refused.stdout
    assert "Not sent. The draft is kept: aurelius mail send 1" in refused.stderr
    assert box.sent == []
    sent = run("mail", "send", "1", input="y\n")
    assert "Sent to Anna Berg <anna@example.org> (<sent-1@example.com>)." in sent.stdout
    again = run("mail", "send", "1", "--yes")
    assert "was sent already" in again.stdout and len(box.sent) == 1
    mail, draft_id = box.sent[0]
    assert mail.in_reply_to == "<m1@example.com>" and draft_id == "Drafts/1/1"


def test_new_message_asks_too_and_yes_is_for_scripts(run: Run, box: FakeMailbox) -> None:
    seeded(lambda services, user: mail_account(services, user))
    no_answer = run("mail", "send", "--to", "a@b.example", "--subject", "Hi", "--body",
                    "Hello there", ok=False)  # a script without --yes sends nothing
    assert "To:      a@b.example" in no_answer.stdout and box.sent == []
    sent = run("mail", "send", "--to", "a@b.example", "--to", "Cy <c@d.example>", "--subject",
               "Hi", "--body", "Hello there", "--yes", "--json")
    assert as_json(sent)["to"] == ["a@b.example", "Cy <c@d.example>"]  # type: ignore[index]
    assert box.sent[0][0].to == ("a@b.example", "Cy <c@d.example>")


@pytest.mark.parametrize(("args", "error"), [
    (("mail", "send"), "Say what to send"),
    (("mail", "send", "3", "--to", "a@b.example"), "not both"),
    (("mail", "send", "--to", "nobody", "--body", "x"), "not an email address"),
    (("mail", "send", "42", "--yes"), "No draft #42"),
    (("mail", "draft", "7", "ok"), "No message #7"),
])
def test_bad_input_is_one_line_and_exit_1(run: Run, box: FakeMailbox, args: tuple[str, ...],
                                          error: str) -> None:
    seeded(lambda services, user: mail_account(services, user))
    result = run(*args, ok=False)
    assert result.exit_code == 1 and error in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
