"""Build the python-telegram-bot `Application` with Aurelius's handlers registered."""

from __future__ import annotations

import asyncio
import logging

from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from aurelius.bootstrap import Services
from bots.door import ChatDoor
from bots.scrub import scrub, scrub_logs, secrets_of
from bots.telegram import handlers
from core.errors import AureliusError, ConfigError, ProviderUnavailable

CHANNEL = "telegram"
NOT_YET = filters.VOICE | filters.AUDIO | filters.PHOTO | filters.VIDEO | filters.VIDEO_NOTE


def token(services: Services) -> str:
    secret = services.settings.telegram_bot_token
    if secret is None:
        raise ConfigError("Set AURELIUS_TELEGRAM_BOT_TOKEN (from @BotFather) first.")
    return secret.get_secret_value()


def build_application(services: Services, *, polling: bool = False) -> Application:  # type: ignore[type-arg]
    """The bot; with `polling` it gets an updater for `run_polling`, otherwise updates
    are fed to `process_update` (webhook and tests)."""
    builder = Application.builder().token(token(services))
    builder = builder.base_url(services.settings.telegram_base_url)
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["door"] = ChatDoor(services, CHANNEL)
    register(application)
    return application


def register(application: Application) -> None:  # type: ignore[type-arg]
    for name, callback in handlers.handler_table():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text))
    application.add_handler(MessageHandler(NOT_YET, handlers.not_yet))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_error_handler(handlers.on_error)


def quiet_http_logs() -> None:
    """httpx logs every request URL at INFO, and Telegram URLs contain the bot token."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def run_polling(services: Services) -> None:
    """`aurelius bot telegram`: long polling until Ctrl-C."""
    quiet_http_logs()
    scrub_logs(services.settings)
    application = build_application(services, polling=True)
    try:
        asyncio.run(_check_token(application))
        application.run_polling(drop_pending_updates=False)
    except TelegramError as error:
        raise startup_error(error, services) from None


async def _check_token(application: Application) -> None:  # type: ignore[type-arg]
    """getMe once, outside the application's retry loop (which logs a traceback that
    quotes the token before it gives up)."""
    async with application.bot:
        pass


def startup_error(error: TelegramError, services: Services) -> AureliusError:
    """One line for a bot that cannot start; never the token python-telegram-bot quotes."""
    if isinstance(error, InvalidToken):
        return ConfigError("Telegram rejected the bot token: check AURELIUS_TELEGRAM_BOT_TOKEN "
                           "(a token from @BotFather looks like 123456789:AA…).")
    reason = scrub(str(error), secrets_of(services.settings))
    if isinstance(error, NetworkError):
        return ProviderUnavailable(f"Can't reach the Telegram Bot API ({reason}). Check the "
                                   "network, or AURELIUS_TELEGRAM_BASE_URL.")
    return ProviderUnavailable(f"Telegram refused to start the bot: {reason}")
