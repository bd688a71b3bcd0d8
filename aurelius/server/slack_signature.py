"""Slack request signatures: `v0=HMAC_SHA256(secret, "v0:{timestamp}:{body}")`, and a
timestamp within five minutes so a captured request cannot be replayed later."""

from __future__ import annotations

import hashlib
import hmac
import time

MAX_AGE = 300  # seconds, as Slack recommends
MAX_STAMP_DIGITS = 12  # Unix seconds until the year 33658; longer is never a real stamp


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, headers: dict[str, str], now: float | None = None) -> bool:
    """True for a fresh request signed with `secret`; `headers` have lower-case names."""
    stamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not _is_stamp(stamp) or not signature:
        return False
    if abs((now if now is not None else time.time()) - int(stamp)) > MAX_AGE:
        return False
    # Bytes, not str: compare_digest refuses non-ASCII strings, and headers may hold any.
    return hmac.compare_digest(sign(secret, stamp, body).encode(), signature.encode())


def _is_stamp(text: str) -> bool:
    """ASCII digits only (str.isdigit also takes "²"), short enough to be a time."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_STAMP_DIGITS
