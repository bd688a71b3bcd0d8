"""The messages between client and server (built-ins only).

A request is `AUR1`, the body's length (4 bytes, little-endian) and the body: NUL-separated
fields, the first one naming the request (`run`, `status`, `stop`, `keep`). A `run` request
carries the client's stdin, stdout and stderr as SCM_RIGHTS file descriptors. Replies are
lines: `P <pid>` (the child started; the client answers `G` to let it run), `T` (the child
stopped: job control), `X <status>` (it ended), `S` (stale: run the command yourself), or one
JSON line for `status`/`stop`/`keep`.
"""

from __future__ import annotations

import os
import sys

MAGIC = b"AUR1"
HEADER = len(MAGIC) + 4
GO = b"G"


def encode(kind: str, fields: list[bytes]) -> bytes:
    body = b"\0".join([kind.encode(), *fields])
    return MAGIC + len(body).to_bytes(4, "little") + body


def body_length(header: bytes) -> int:
    if len(header) < HEADER or not header.startswith(MAGIC):
        raise ValueError("not an Aurelius request")
    return int.from_bytes(header[len(MAGIC) : HEADER], "little")


def decode(body: bytes) -> tuple[str, list[bytes]]:
    kind, *fields = body.split(b"\0")
    return kind.decode(), fields


def run_fields() -> list[bytes]:
    """What a command needs from the client: cwd, umask, argv and the whole environment."""
    mask = os.umask(0)
    os.umask(mask)
    argv = [os.fsencode(arg) for arg in sys.argv]
    environ = [key + b"=" + value for key, value in os.environb.items()]
    return [os.getcwdb(), b"%o" % mask, b"%d" % len(argv), *argv, *environ]


def fds_payload(fds: tuple[int, ...]) -> bytes:
    """SCM_RIGHTS data: C ints in native order (what array('i', fds) would give)."""
    return b"".join(fd.to_bytes(4, sys.byteorder) for fd in fds)
