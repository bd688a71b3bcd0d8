"""Hiding secrets in text that is shown to people or written to logs.

A URL's credentials (`scheme://user:password@host`) are masked wherever they appear, so a
database or Redis URL can be echoed, logged or put in an error message safely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
# user:password@ (or a bare token@) right after a scheme, up to the last @ before the host.
_CREDENTIALS = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<auth>[^\s/?#]*@)")


# Tokens that vendors' own exceptions quote: Telegram bot tokens, Slack tokens, API keys.
_TOKENS = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}|\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+"
                     r"|\bsk-[A-Za-z0-9_-]{8,}")


def mask_credentials(text: str) -> str:
    """`text` with the password (or token) inside every URL, and every vendor token, replaced
    by ***."""
    return _TOKENS.sub(MASK, _CREDENTIALS.sub(_masked, text))


# Names under which a value is a secret, whatever it looks like (log fields, headers, settings).
_SECRET_NAME = re.compile(r"pass(word|wd)?|secret|token|api[_-]?key|authorization|cookie|dsn"
                          r"|credential|signature", re.IGNORECASE)
# A credential after its scheme word, as in an Authorization header quoted in a message.
_SCHEMED = re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}")


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def mask_values(text: str, secrets: Iterable[str]) -> str:
    """Every one of `secrets` (the values configured in this process, longest first so none
    leaks a part) replaced by ***."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`mask_values`, `mask_credentials` and credentials after `Bearer`/`Basic`."""
    text = mask_values(text, secrets)
    return _SCHEMED.sub(lambda match: f"{match[1]} {MASK}", mask_credentials(text))


def redact(value: Any, secrets: Iterable[str] = (), depth: int = 0) -> Any:
    """`value` (text, mappings, sequences, as deep as logs and error reports nest them) with
    secrets masked: any text under a secret's name, and secrets inside any other text."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        return mask_text(value, secrets)
    if depth > 20:
        return value
    if isinstance(value, Mapping):
        return {key: MASK if _hides(key, item) else redact(item, secrets, depth + 1)
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        if len(value) == 2 and _hides(value[0], value[1]):  # a header as a (name, value) pair
            return (value[0], MASK) if isinstance(value, tuple) else [value[0], MASK]
        return type(value)(redact(item, secrets, depth + 1) for item in value)
    return value


def _hides(name: Any, value: Any) -> bool:
    return isinstance(name, str) and isinstance(value, str) and bool(value) and is_secret_name(
        name)


def _masked(match: re.Match[str]) -> str:
    user, colon, _secret = match["auth"][:-1].partition(":")
    shown = f"{user}:{MASK}" if colon else MASK
    return f"{match['scheme']}{shown}@"


def shorten(text: str, limit: int = 60) -> str:
    """At most `limit` characters of one line, for quoting user input back in a message."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
