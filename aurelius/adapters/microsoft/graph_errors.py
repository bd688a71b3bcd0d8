"""Graph's error answers (`{"error": {"code", "message", "innerError"}}`) as Aurelius errors.

The code is kept (it says what happened); the message and URL never are (they may echo
the request).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from core.errors import CursorExpired, EtagConflict, IntegrationError, PermissionDenied

if TYPE_CHECKING:
    import httpx

GONE = frozenset({404, 410})
RESYNC = frozenset({"syncstatenotfound", "resyncrequired", "syncstateinvalid"})


def code_of(response: httpx.Response) -> str:
    try:
        code = str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""
    return re.sub(r"[^A-Za-z0-9_.]", "", code)[:60]


def check(response: httpx.Response) -> None:
    """Nothing for a success; else the Aurelius error for Graph's answer."""
    status = response.status_code
    if status < 400:
        return
    code = code_of(response)
    if status == 410 or code.lower() in RESYNC:
        raise CursorExpired("Microsoft no longer knows this sync state; a full sync follows.")
    if status == 412:
        raise EtagConflict("The event changed in Outlook meanwhile; Outlook's version wins.")
    if status == 403:
        raise PermissionDenied(
            f"Microsoft refused the change ({code or 'HTTP 403'}): this calendar is read-only."
        )
    raise IntegrationError(f"Microsoft answered HTTP {status}" + (f" ({code})." if code else "."))
