"""Request bodies read defensively: JSON objects of bounded depth, Slack's three shapes.

Every webhook body is parsed here, after its signature or secret checked out, so a body
that is not what the platform sends (an array, a 100k-deep nesting, bytes that are not
UTF-8, a number of 5,000 digits) is one `Malformed` error and a 400, never a crash
inside a library further on.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qsl

MAX_DEPTH = 32  # real Slack and Telegram payloads nest about ten levels
MAX_ID = 80  # characters of an id used as a replay key; longer ones are hashed


class Malformed(ValueError):
    """A body no platform would send."""


def json_object(raw: bytes | str) -> dict[str, Any]:
    """A JSON object nested at most MAX_DEPTH levels deep."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise Malformed("not JSON") from error
    if not isinstance(value, dict):
        raise Malformed("not a JSON object")
    if depth(value) > MAX_DEPTH:
        raise Malformed("nested too deeply")
    return value


def depth(value: Any) -> int:
    """How deeply lists and objects nest (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def slack_payload(body: bytes, content_type: str) -> dict[str, Any]:
    """The request as slack-bolt will read it: JSON (events), a form (slash commands), or
    a form whose `payload` field is JSON (interactions)."""
    try:
        text = body.decode()
    except UnicodeDecodeError as error:
        raise Malformed("not UTF-8") from error
    if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
        return json_object(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in text:
        return json_object(form["payload"]) if "payload" in form else {}
    return form


def slack_replay_key(payload: dict[str, Any], body: bytes) -> str | None:
    """What makes a Slack request unique: its event_id (kept across Slack's retries), else
    its trigger_id (slash commands, interactions), else the signed body itself. None for
    the URL check, which has no effect and must be answered every time."""
    if payload.get("type") == "url_verification":
        return None
    for kind in ("event_id", "trigger_id"):
        value = payload.get(kind)
        if isinstance(value, str) and value:
            return f"{kind}:{value}" if len(value) <= MAX_ID else f"{kind}#{_digest(value)}"
    return f"body#{_digest(body)}"


def _digest(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()
