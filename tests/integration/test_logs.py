"""Structured logs: JSON or console lines, one correlation id per request and job, and no
secret in any of them — whoever logs it, however it is nested, tracebacks included."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from aurelius import correlation, logs
from aurelius.settings import Settings

ANTHROPIC = "sk-ant-api03-LiveKeyForLogs0123456789"
TELEGRAM = "7777777:AAH-telegram-bot-token-abcdefghijk"
WEBHOOK = "whsec-notify-webhook-secret-42"
DSN = "http://publickey123@127.0.0.1:9/1"
SECRETS = (ANTHROPIC, TELEGRAM, WEBHOOK, "hunter2", "publickey123", "raw-bearer-credential")


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    settings = Settings(anthropic_api_key=SecretStr(ANTHROPIC),
                        telegram_bot_token=SecretStr(TELEGRAM),
                        notify_webhook_secret=SecretStr(WEBHOOK), sentry_dsn=SecretStr(DSN),
                        log_format="json", log_level="debug")
    restore = logs.configure(settings, stream)
    yield stream
    restore()


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_secrets_never_reach_the_log_whoever_logs_them(written: io.StringIO) -> None:
    import structlog

    stdlib = logging.getLogger("aurelius.test")
    stdlib.info("calling Anthropic with %s", ANTHROPIC)
    stdlib.warning("GET https://api.telegram.org/bot%s/getMe failed", TELEGRAM)
    stdlib.info("db at postgresql://aurelius:hunter2@db/aurelius")
    structlog.get_logger("aurelius.test").info(
        "request", headers={"Authorization": "raw-bearer-credential", "Accept": "*/*"},
        password="hunter2", webhook_secret=WEBHOOK, quoted="Authorization: Bearer " + ANTHROPIC)
    try:
        token = TELEGRAM
        raise RuntimeError(f"Telegram refused {token}")
    except RuntimeError:
        stdlib.exception("bot failed")
    text = written.getvalue()
    for secret in SECRETS:
        assert secret not in text, secret
    found = lines(written)
    assert len(found) == 5 and all(line["level"] for line in found)
    assert found[3]["headers"] == {"Authorization": "***", "Accept": "*/*"}
    assert found[3]["password"] == "***" and found[3]["webhook_secret"] == "***"
    assert "RuntimeError: Telegram refused ***" in found[4]["exception"]
    assert found[2]["event"] == "db at postgresql://aurelius:***@db/aurelius"


def test_each_line_carries_the_correlation_id_it_ran_under(written: io.StringIO) -> None:
    log = logging.getLogger("aurelius.test")
    with correlation.bound("req-1"):
        log.info("inside")
    log.info("outside")
    inside, outside = lines(written)
    assert inside["request_id"] == "req-1" and inside["logger"] == "aurelius.test"
    assert "request_id" not in outside
    assert inside["timestamp"].endswith("Z")


def test_console_format_and_level() -> None:
    stream = io.StringIO()
    restore = logs.configure(Settings(log_format="console", log_level="WARNING"), stream)
    try:
        logging.getLogger("aurelius.test").info("hidden")
        logging.getLogger("aurelius.test").warning("shown %s", 1)
    finally:
        restore()
    assert "hidden" not in stream.getvalue()
    assert "shown 1" in stream.getvalue() and not stream.getvalue().startswith("{")


def test_a_bad_log_format_is_one_clear_settings_error() -> None:
    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="log_format"):
        from aurelius.settings import load_settings

        load_settings(log_format="xml")
