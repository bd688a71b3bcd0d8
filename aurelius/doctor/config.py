"""Webhook routes that `aurelius serve` would expose without the secret that guards them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aurelius.doctor import Check, failed, passed

if TYPE_CHECKING:
    from aurelius.settings import Settings

MIN_SECRET = 16  # shorter secrets can be guessed by someone hammering the public route


def webhook_secrets(settings: Settings) -> Iterator[Check]:
    """Telegram uses its webhook (not polling) once a public URL is set; Slack uses HTTP
    events (not Socket Mode) without an app token. Each needs its secret, long enough."""
    routes = []
    if settings.telegram_bot_token and settings.public_url:
        routes.append(("telegram webhook", "telegram_webhook_secret"))
    if settings.slack_bot_token and not settings.slack_app_token:
        routes.append(("slack events", "slack_signing_secret"))
    if not routes:
        yield passed("webhook secrets", "no webhook route exposed")
    for route, setting in routes:
        value = getattr(settings, setting)
        if value is None:
            yield failed(route, f"{setting} is not set, so `aurelius serve` leaves the route "
                         "off and the platform's calls fail",
                         f"aurelius config set {setting} VALUE (from the platform's settings)")
        elif setting == "telegram_webhook_secret" and len(value.get_secret_value()) < MIN_SECRET:
            yield failed(route, f"{setting} is shorter than {MIN_SECRET} characters",
                         f'aurelius config set {setting} "$(openssl rand -hex 24)"')
        else:
            yield passed(route, f"guarded by {setting}")
