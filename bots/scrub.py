"""Secrets never reach a terminal or a log through someone else's message.

SDK exceptions quote what they were given: python-telegram-bot's `InvalidToken` names the
rejected token, and Telegram request URLs carry it. The bots turn such errors into one
line of their own (`vendor_errors`) and scrub every configured secret from the records
their processes log (`scrub_logs`), tracebacks included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aurelius.logs import secret_values
from aurelius.settings import Settings
from core.redaction import mask_values


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value configured, longest first (so a secret inside another goes too)."""
    return secret_values(settings)


def scrub(text: str, secrets: Iterable[str]) -> str:
    return mask_values(text, secrets)


class ScrubSecrets(logging.Filter):
    """A handler filter: the message and the formatted traceback, with secrets masked."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage(), self.secrets), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, self.secrets)
        return True


def scrub_logs(settings: Settings) -> None:
    """Mask the configured secrets in everything any configured handler writes (the
    root logger's, and uvicorn's own under `aurelius serve`)."""
    secrets = secrets_of(settings)
    loggers = [logging.getLogger(), *(found for found in logging.root.manager.loggerDict.values()
                                      if isinstance(found, logging.Logger))]
    for handler in {handler for logger in loggers for handler in logger.handlers}:
        if not any(isinstance(f, ScrubSecrets) for f in handler.filters):
            handler.addFilter(ScrubSecrets(secrets))
