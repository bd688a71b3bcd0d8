"""Building the AI layer over test services with chosen providers and settings."""

from __future__ import annotations

from typing import Any

from aurelius.adapters.ai_wiring import AI, build_ai
from aurelius.bootstrap import Services
from core.ai.ports import ChatModel


def ai_with(services: Services, providers: dict[str, ChatModel] | None = None,
            **settings: Any) -> AI:
    """The AI layer on the test database; `providers=None` means "from the settings"."""
    from pydantic import SecretStr

    from aurelius.bootstrap import redis_link

    # model_copy does not validate: wrap keys as the settings class would.
    settings = {k: SecretStr(v) if k.endswith("_api_key") else v for k, v in settings.items()}
    chosen = services.settings.model_copy(update=settings)
    ai = build_ai(chosen, services.db, services.clock, services.tasks, services.calendar,
                  services.reminders, redis_link(chosen), providers=providers)
    ai.gateway.sleep = lambda seconds: None  # backoff without waiting
    return ai
