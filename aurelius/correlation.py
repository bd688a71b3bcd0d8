"""One correlation id per HTTP request, chat update and job, so its whole story can be found.

An id given by the caller (`X-Request-ID`) is kept when it looks like one; the jobs a request
enqueues carry it along (the embedded queue captures it, RQ keeps it in the job's meta).
Logs (`aurelius.logs`), error reports and the error references people see all show it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"
META_KEY = "request_id"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_current: ContextVar[str | None] = ContextVar("aurelius_request_id", default=None)


def current() -> str | None:
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


def accept(given: str | None) -> str:
    """The caller's id when it is a plain token (nothing to inject into a log line), else a
    fresh one."""
    return given if given and _ACCEPTED.fullmatch(given) else new_id()


@contextmanager
def bound(request_id: str | None = None) -> Iterator[str]:
    """Everything inside runs under `request_id` (a fresh id when None)."""
    chosen = request_id or new_id()
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def reference() -> str:
    """What a person quotes when reporting a failure: the current id, or a new one."""
    return current() or new_id()
