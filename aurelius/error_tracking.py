"""Error tracking: with `AURELIUS_SENTRY_DSN` set, unhandled errors go to Sentry.

`sentry_sdk` (the `sentry` extra) is imported only when a DSN is set. Events never carry
personal data (`send_default_pii` off: no addresses, cookies or bodies) and `before_send`
masks every configured secret and anything under a secret's name, wherever it sits in the
event. Each event is tagged with the correlation id people quote from an error message.
"""

from __future__ import annotations

from typing import Any

from aurelius import __version__, correlation
from aurelius.logs import secret_values
from aurelius.settings import Settings
from core.errors import ConfigError
from core.redaction import redact

FLUSH_SECONDS = 2.0


def start(settings: Settings, process: str) -> bool:
    """Start reporting for this process (`serve`, `worker`...); False without a DSN."""
    if settings.sentry_dsn is None:
        return False
    try:
        import sentry_sdk
    except ImportError:
        raise ConfigError('AURELIUS_SENTRY_DSN is set but sentry-sdk is not installed: '
                          'pip install "aurelius[sentry]".') from None
    secrets = secret_values(settings)
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        release=f"aurelius@{__version__}",
        environment=settings.environment,
        send_default_pii=False,
        before_send=lambda event, _hint: _scrubbed(dict(event), secrets),
        traces_sample_rate=0.0,
    )
    sentry_sdk.set_tag("process", process)
    return True


def report(error: BaseException) -> None:
    """Send an error that a door caught itself (the CLI's unexpected errors)."""
    import sys

    if "sentry_sdk" not in sys.modules:
        return
    import sentry_sdk

    sentry_sdk.capture_exception(error)
    sentry_sdk.flush(FLUSH_SECONDS)


def _scrubbed(event: dict[str, Any], secrets: list[str]) -> Any:
    request_id = correlation.current()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    cleaned: dict[str, Any] = redact(event, secrets)
    return cleaned
