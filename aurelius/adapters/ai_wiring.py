"""Wires the AI layer from settings: providers with keys, the cache, gateway and assistant.

Cheap to call: adapters import their SDK only when a model is actually asked something,
so `aurelius task list` never pays for `anthropic` or `openai`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.ai.assistant import Assistant
from core.ai.cache import LRUCache, TieredCache
from core.ai.config import AIConfig, build_config
from core.ai.gateway import Gateway
from core.ai.mail_tools import MailTools
from core.ai.metering import Meter
from core.ai.offline import OfflineChatModel
from core.ai.ports import Cache, ChatModel, Embedder
from core.ai.prompts import Preferences
from core.ai.tools import Toolbox
from core.db import Database
from core.ports import Clock, Metrics
from core.services.calendars import CalendarService
from core.services.reminders import ReminderService
from core.services.tasks import TaskService

if TYPE_CHECKING:
    from aurelius.adapters.redis_link import RedisLink
    from aurelius.settings import Settings

LOCAL_KEY = "not-needed"  # local OpenAI-compatible servers accept any key


@dataclass
class AI:
    config: AIConfig
    meter: Meter
    gateway: Gateway
    assistant: Assistant
    embedder: Embedder | None


def build_ai(settings: Settings, db: Database, clock: Clock, tasks: TaskService,
             calendar: CalendarService, reminders: ReminderService,
             link: RedisLink | None = None,
             providers: dict[str, ChatModel] | None = None,
             metrics: Metrics | None = None, mail: MailTools | None = None) -> AI:
    """`providers` replaces the ones made from settings (tests pass fakes); `link` is the
    shared Redis connection for the L2 cache; `mail` gives the assistant the mail tools."""
    config = ai_config(settings)
    meter = Meter(db, clock, config, metrics)
    cache = TieredCache(LRUCache(), _l2(link), config.cache_ttl_seconds)
    chosen = chat_models(settings) if providers is None else providers
    offline = OfflineChatModel(clock, settings.dayfirst)
    gateway = Gateway(config, meter, chosen, offline, cache)
    preferences = Preferences(settings.dayfirst,
                              f"{settings.workday_start}–{settings.workday_end}")
    assistant = Assistant(db, clock, gateway, Toolbox(tasks, calendar, reminders, mail),
                          preferences)
    return AI(config, meter, gateway, assistant, _embedder(settings))


def ai_config(settings: Settings) -> AIConfig:
    from dataclasses import replace

    config = build_config(settings.ai_tiers, settings.ai_prices, settings.ai_plans,
                          settings.plan, settings.ai_use_cases)
    return replace(config, retries=max(settings.ai_retries, 0),
                   turn_seconds=settings.ai_turn_seconds)


def chat_models(settings: Settings) -> dict[str, ChatModel]:
    models: dict[str, ChatModel] = {}
    if settings.anthropic_api_key:
        from aurelius.adapters.anthropic_model import AnthropicChatModel

        models["anthropic"] = AnthropicChatModel(settings.anthropic_api_key.get_secret_value(),
                                                 settings.anthropic_base_url, settings.ai_timeout)
    key = _openai_key(settings)
    if key:
        from aurelius.adapters.openai_model import OpenAIChatModel

        models["openai"] = OpenAIChatModel(key, settings.openai_base_url, settings.ai_timeout)
    return models


def _openai_key(settings: Settings) -> str | None:
    if settings.openai_api_key:
        return settings.openai_api_key.get_secret_value()
    return LOCAL_KEY if settings.openai_base_url else None


def _embedder(settings: Settings) -> Embedder | None:
    key = _openai_key(settings)
    if not key:
        return None
    from aurelius.adapters.openai_model import OpenAIEmbedder

    return OpenAIEmbedder(key, settings.openai_base_url, settings.ai_timeout,
                          settings.embedding_model)


def _l2(link: RedisLink | None) -> Cache | None:
    if link is None:
        return None
    from aurelius.adapters.ai_cache import RedisCache

    return RedisCache(link)
