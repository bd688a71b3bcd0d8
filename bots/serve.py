"""`aurelius serve`: the webhook server with the bots whose secrets are configured.

The server (aurelius.server) knows bots only through small interfaces; this module plugs
the real ones in. uvicorn loads `create` by name, so the CLI never imports a bot.
"""

from __future__ import annotations

from fastapi import FastAPI

from aurelius.bootstrap import Services, build_services
from aurelius.server.app import SlackEndpoint, TelegramEndpoint, create_app
from bots.scrub import scrub_logs
from core.errors import AureliusError


def create(services: Services | None = None) -> FastAPI:
    """The app uvicorn serves; a bot that cannot start stops the server with one line."""
    try:
        return _create(services or build_services())
    except AureliusError as error:
        raise SystemExit(f"Error: {error}") from None


def _create(services: Services) -> FastAPI:
    settings = services.settings
    scrub_logs(settings)
    telegram: TelegramEndpoint | None = None
    slack: SlackEndpoint | None = None
    if settings.telegram_bot_token and settings.telegram_webhook_secret:
        from bots.telegram.webhook import TelegramBridge

        telegram = TelegramBridge(services).start()
    if settings.slack_bot_token and settings.slack_signing_secret:
        from bots.slack.app import SlackBridge

        slack = SlackBridge(services)
    return create_app(services, telegram=telegram, slack=slack)
