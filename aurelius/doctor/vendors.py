"""Each configured model key and bot token, asked its vendor's cheapest question through
the vendor's own SDK: the models list (Anthropic, OpenAI), `auth.test` (Slack), `getMe`
(Telegram). A refusal and an unreachable vendor are told apart, since the fixes differ."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from aurelius.doctor import Check, failed, passed
from core.redaction import mask_credentials

if TYPE_CHECKING:
    from aurelius.settings import Settings

TIMEOUT = 5.0
REFUSALS = {"AuthenticationError", "PermissionDeniedError", "InvalidToken", "Forbidden"}


def keys(settings: Settings) -> Iterator[Check]:
    asked = [(name, setting, ask) for name, setting, ask in _VENDORS
             if getattr(settings, setting) is not None]
    if not asked:
        yield passed("keys", "no model key or bot token configured (offline assistant)")
    for name, setting, ask in asked:
        yield _verdict(name, setting, settings, ask)


def _verdict(name: str, setting: str, settings: Settings,
             ask: Callable[[Settings], str]) -> Check:
    try:
        return passed(name, ask(settings))
    except Exception as error:  # the SDKs' own error classes, told apart by name below
        detail = mask_credentials(str(error).splitlines()[0] if str(error) else "")
        if _refused(error):
            return failed(name, f"the {setting} was refused ({detail})",
                          f"aurelius config set {setting} NEW_VALUE")
        return failed(name, f"cannot reach the service ({type(error).__name__}: {detail})",
                      "check the network, or the base URL setting if you set one")


def _refused(error: BaseException) -> bool:
    if type(error).__name__ in REFUSALS or getattr(error, "status_code", None) in (401, 403):
        return True
    response = getattr(error, "response", None)  # slack_sdk's SlackApiError
    return type(error).__name__ == "SlackApiError" and "auth" in str(
        getattr(response, "get", lambda _: "")("error"))


def _anthropic(settings: Settings) -> str:
    from anthropic import Anthropic

    key = settings.anthropic_api_key
    assert key is not None
    client = Anthropic(api_key=key.get_secret_value(), base_url=settings.anthropic_base_url,
                       max_retries=0, timeout=TIMEOUT)
    models = client.models.list(limit=1)
    return f"key accepted ({len(models.data)} model(s) listed)"


def _openai(settings: Settings) -> str:
    from openai import OpenAI

    key = settings.openai_api_key
    assert key is not None
    client = OpenAI(api_key=key.get_secret_value(), base_url=settings.openai_base_url,
                    max_retries=0, timeout=TIMEOUT)
    return f"key accepted ({len(client.models.list().data)} model(s) listed)"


def _slack(settings: Settings) -> str:
    import logging

    from slack_sdk import WebClient

    # The SDK logs each failed call itself; the doctor's verdict says it once, plainly.
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    token = settings.slack_bot_token
    assert token is not None
    client = WebClient(token=token.get_secret_value(), base_url=settings.slack_base_url,
                       timeout=int(TIMEOUT))
    answer = client.auth_test()
    return f"token accepted (bot {answer.get('user', '?')} in {answer.get('team', '?')})"


def _telegram(settings: Settings) -> str:
    import asyncio

    from telegram import Bot

    token = settings.telegram_bot_token
    assert token is not None

    async def who() -> Any:
        async with Bot(token.get_secret_value(), base_url=settings.telegram_base_url) as bot:
            return bot.bot

    return f"token accepted (@{asyncio.run(who()).username})"


_VENDORS: tuple[tuple[str, str, Callable[[Settings], str]], ...] = (
    ("anthropic", "anthropic_api_key", _anthropic),
    ("openai", "openai_api_key", _openai),
    ("slack", "slack_bot_token", _slack),
    ("telegram", "telegram_bot_token", _telegram),
)
