"""Slack request signatures: `v0=HMAC_SHA256(secret, "v0:{timestamp}:{body}")`, and a
timestamp within five minutes so a captured request cannot be replayed later."""

from __future__ import annotations

import hashlib
import hmac
import time

MAX_AGE = 300  # seconds, as Slack recommends


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, headers: dict[str, str], now: float | None = None) -> bool:
    """True for a fresh request signed with `secret`; `headers` have lower-case names."""
    stamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not stamp.isdigit() or not signature:
        return False
    if abs((now if now is not None else time.time()) - int(stamp)) > MAX_AGE:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature)
