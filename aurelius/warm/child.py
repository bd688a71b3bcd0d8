"""A forked child becomes the client's process: its fds, cwd, environment, umask, zone, locale
and argv; then it runs the same entry point as the in-process path and exits with its status."""

from __future__ import annotations

import atexit
import contextlib
import io
import locale
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from typing import NoReturn

from aurelius.warm import wire


def serve(connection: socket.socket, fds: list[int], fields: list[bytes],
          forget: Callable[[], None], entry: Callable[[], object]) -> NoReturn:
    """Never returns. Until the client says go, a failure just exits (the client then runs
    the command itself); afterwards the command's own status is the exit status. The child
    reports it itself, so the client need not wait for this big process to be torn down and
    reaped; the parent reports deaths by a signal."""
    try:
        os.setpgid(0, 0)  # the client forwards signals to this group; Ctrl-Z can stop it
        forget()
        _become(fds, fields)
        connection.sendall(b"P %d\n" % os.getpid())
        connection.settimeout(None)  # a client stopped (Ctrl-Z) before it said go may resume
        if connection.recv(1) != wire.GO:
            os._exit(0)
    except BaseException:
        os._exit(1)
    status = _run(entry)
    with contextlib.suppress(OSError):
        connection.sendall(b"X %d\n" % status)
    os._exit(status)


def _become(fds: list[int], fields: list[bytes]) -> None:
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    cwd, mask, count, *rest = fields
    os.chdir(cwd)
    os.umask(int(mask, 8))
    argv, environ = rest[: int(count)], rest[int(count) :]
    os.environb.clear()
    os.environb.update(entry.split(b"=", 1) for entry in environ if b"=" in entry)  # type: ignore[misc]
    time.tzset()
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_CTYPE, "")
    sys.argv = [os.fsdecode(arg) for arg in argv]
    _standard_streams()
    if "random" in sys.modules:
        sys.modules["random"].seed()
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _standard_streams() -> None:
    """New sys.std* on the client's fds, configured as Python's start-up would."""
    encoding, _, errors = os.environ.get("PYTHONIOENCODING", "").partition(":")
    if not encoding:
        encoding = "utf-8" if sys.flags.utf8_mode else locale.getencoding()
    strict = errors or ("surrogateescape" if _c_locale() else "strict")
    streams = {"stdin": _stream(0, "rb", encoding, strict),
               "stdout": _stream(1, "wb", encoding, strict),
               "stderr": _stream(2, "wb", encoding, errors or "backslashreplace")}
    for name, stream in streams.items():
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)  # what Textual and faulthandler look at


def _c_locale() -> bool:
    return locale.setlocale(locale.LC_CTYPE) in ("C", "POSIX")


def _stream(fd: int, mode: str, encoding: str, errors: str) -> io.TextIOWrapper:
    binary = open(fd, mode, closefd=False)  # noqa: SIM115 - lives as long as the process
    line_buffered = fd == 2 or (fd == 1 and os.isatty(1))
    return io.TextIOWrapper(binary, encoding, errors, newline="\n", line_buffering=line_buffered)


def _run(entry: Callable[[], object]) -> int:
    try:
        entry()
        status = 0
    except SystemExit as done:
        status = _exit_status(done.code)
    except KeyboardInterrupt:  # as Python does: a traceback, then die of SIGINT
        traceback.print_exc()
        _finish(1)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        status = 130
    except BaseException:
        sys.excepthook(*sys.exc_info())
        status = 1
    return _finish(status)


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _finish(status: int) -> int:
    """Exit handlers and buffered output, as at interpreter exit; 120 if the output is gone."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = 120
    return status
