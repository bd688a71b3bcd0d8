"""Bots that cannot start say so in one line, without the token: the installed `aurelius`
command against the loopback Slack and Telegram stubs, or against a closed port."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aurelius.settings import Settings
from bots.scrub import scrub_logs
from tests.stubs.slack import SlackStub
from tests.stubs.telegram import TelegramStub

AURELIUS = Path(sys.executable).with_name("aurelius")
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there
WRONG_TG = "999:SECRET-WRONG-TOKEN"
WRONG_SLACK = "xoxb-SECRET-WRONG-TOKEN"


@pytest.fixture(scope="module")
def stubs() -> Iterator[tuple[TelegramStub, SlackStub]]:
    telegram, slack = TelegramStub().start(), SlackStub().start()
    yield telegram, slack
    telegram.stop()
    slack.stop()


def aurelius(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AURELIUS_")}
    return subprocess.run([str(AURELIUS), *args], capture_output=True, text=True, timeout=60,
                          env=clean | {"AURELIUS_HOME": str(tmp_path)} | env)


def settings_for(case: str, telegram: TelegramStub, slack: SlackStub) -> dict[str, str]:
    return {
        "telegram-token": {"AURELIUS_TELEGRAM_BOT_TOKEN": WRONG_TG,
                           "AURELIUS_TELEGRAM_BASE_URL": telegram.base_url},
        "telegram-down": {"AURELIUS_TELEGRAM_BOT_TOKEN": WRONG_TG,
                          "AURELIUS_TELEGRAM_BASE_URL": f"{CLOSED}/bot"},
        "slack-token": {"AURELIUS_SLACK_BOT_TOKEN": WRONG_SLACK,
                        "AURELIUS_SLACK_APP_TOKEN": "xapp-test",
                        "AURELIUS_SLACK_BASE_URL": slack.base_url},
        "slack-down": {"AURELIUS_SLACK_BOT_TOKEN": WRONG_SLACK,
                       "AURELIUS_SLACK_APP_TOKEN": "xapp-test",
                       "AURELIUS_SLACK_BASE_URL": f"{CLOSED}/api/"},
    }[case]


@pytest.mark.skipif(not AURELIUS.exists(), reason="needs the installed aurelius command")
@pytest.mark.parametrize(("case", "command", "expected"), [
    ("telegram-token", "bot telegram", "Telegram rejected the bot token"),
    ("telegram-down", "bot telegram", "Can't reach the Telegram Bot API"),
    ("slack-token", "bot slack", "Slack rejected AURELIUS_SLACK_BOT_TOKEN"),
    ("slack-down", "bot slack", "Can't reach the Slack API at http://127.0.0.1:9/api/"),
    ("telegram-token", "serve --port 0", "Telegram rejected the bot token"),
])
def test_a_bot_that_cannot_start_says_why_in_one_line(
        tmp_path: Path, stubs: tuple[TelegramStub, SlackStub], case: str, command: str,
        expected: str) -> None:
    env = settings_for(case, *stubs)
    if command.startswith("serve"):
        env["AURELIUS_TELEGRAM_WEBHOOK_SECRET"] = "hook-secret"
    done = aurelius(tmp_path, *command.split(), **env)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "SECRET-WRONG-TOKEN" not in output and "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and expected in errors[0], output


def test_logged_tracebacks_never_show_a_configured_secret() -> None:
    handler = logging.StreamHandler(stream := _Capture())
    logging.getLogger().addHandler(handler)
    try:
        scrub_logs(Settings(telegram_bot_token=WRONG_TG, slack_bot_token=WRONG_SLACK))
        try:
            raise RuntimeError(f"POST https://api.telegram.org/bot{WRONG_TG}/getMe failed")
        except RuntimeError:
            logging.getLogger("telegram.ext").exception("request to %s failed", WRONG_SLACK)
    finally:
        logging.getLogger().removeHandler(handler)
    assert "SECRET-WRONG-TOKEN" not in stream.text
    assert "request to *** failed" in stream.text and "/bot***/getMe" in stream.text


class _Capture:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
