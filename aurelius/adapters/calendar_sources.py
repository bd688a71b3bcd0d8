"""Which `CalendarSource` speaks for a connection: the one place that knows the providers.

Adapters are imported only here and only when needed (no vendor code on CLI start-up). A
provider whose adapter is not part of this build gets a ConfigError, never an ImportError.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from core.errors import ConfigError
from core.models import Connection
from core.ports import AccessTokens, CalendarSource

if TYPE_CHECKING:
    from aurelius.bootstrap import Services

ADAPTERS = {
    "caldav": ("aurelius.adapters.caldav", "CalDavCalendar"),
    "google": ("aurelius.adapters.google.calendar", "GoogleCalendar"),
    "microsoft": ("aurelius.adapters.microsoft.calendar", "MicrosoftCalendar"),
}
TOKENS = ("aurelius.adapters.oauth.tokens", "OAuthTokens")


def source_for(services: Services, connection: Connection) -> CalendarSource:
    if connection.provider not in ADAPTERS:
        raise ConfigError(
            f"Connection #{connection.id} has an unknown provider {connection.provider!r}."
        )
    adapter = _load(*ADAPTERS[connection.provider], connection.provider)
    if connection.provider == "caldav":
        with services.db.transaction() as session:
            secret = services.credentials.read(session, connection.id, "password")
        source: CalendarSource = adapter(
            connection.server_url or "", connection.username or "", str(secret["password"])
        )
        return source
    tokens: AccessTokens = _load(*TOKENS, "OAuth")(services, connection.id)
    settings = services.settings
    bases = {"google": settings.google_base_url, "microsoft": settings.microsoft_base_url}
    source = adapter(tokens, bases[connection.provider])
    return source


def _load(module: str, name: str, what: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ConfigError(f"This build of Aurelius has no {what} support.") from None
