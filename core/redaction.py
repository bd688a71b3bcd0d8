"""Hiding secrets in text that is shown to people or written to logs.

A URL's credentials (`scheme://user:password@host`) are masked wherever they appear, so a
database or Redis URL can be echoed, logged or put in an error message safely.
"""

from __future__ import annotations

import re

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


def _masked(match: re.Match[str]) -> str:
    user, colon, _secret = match["auth"][:-1].partition(":")
    shown = f"{user}:{MASK}" if colon else MASK
    return f"{match['scheme']}{shown}@"


def shorten(text: str, limit: int = 60) -> str:
    """At most `limit` characters of one line, for quoting user input back in a message."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
