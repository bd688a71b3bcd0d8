"""Logs of the long-running processes: structlog, as JSON lines or readable console lines.

Every record (structlog's and the standard library's, uvicorn's and the SDKs' included)
goes through one formatter, which adds the time, level, logger and correlation id, and
masks secrets as the very last step — after tracebacks are rendered, since they quote
arguments. One-off commands never import structlog: only `configure` does.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, MutableMapping
from typing import IO, Any

from pydantic import SecretStr

from aurelius import correlation
from aurelius.settings import Settings
from core.redaction import redact

MIN_SECRET = 4  # shorter configured values would mask ordinary words
EventDict = MutableMapping[str, Any]


def secret_values(settings: Settings) -> list[str]:
    """Every secret value configured, longest first (so a secret inside another goes too)."""
    found = [value.get_secret_value() for _, value in settings if isinstance(value, SecretStr)]
    return sorted((s for s in found if len(s) >= MIN_SECRET), key=len, reverse=True)


class Redact:
    """The processor that masks secrets in every field, at any depth."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = secrets

    def __call__(self, _logger: Any, _method: str, event: EventDict) -> EventDict:
        return dict(redact(dict(event), self.secrets))


def add_correlation(_logger: Any, _method: str, event: EventDict) -> EventDict:
    request_id = correlation.current()
    if request_id and "request_id" not in event:
        event["request_id"] = request_id
    return event


def configure(settings: Settings, stream: IO[str] | None = None) -> Callable[[], None]:
    """Route all logging of this process through structlog's formatter onto `stream`;
    returns what puts the previous set-up back (a process hosting several runs: tests)."""
    import structlog

    stamped: list[Any] = [
        structlog.contextvars.merge_contextvars,
        add_correlation,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *stamped,
                    structlog.stdlib.PositionalArgumentsFormatter(),
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=stamped,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    Redact(secret_values(settings)),
                    _renderer(settings.log_format)],
    ))
    root = logging.getLogger()
    before = (root.handlers[:], root.level)
    root.handlers = [handler]
    root.setLevel(settings.log_level.upper())

    def restore() -> None:
        root.handlers = before[0]
        root.setLevel(before[1])

    return restore


def _renderer(kind: str) -> Any:
    import structlog

    if kind == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=False)
