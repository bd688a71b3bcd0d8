"""The `aurelius` console script: hand the command to the warm server, or run it here.

It imports only built-in modules (`_socket`, `_signal`, `time`; `os` and `sys` are loaded
before any of this runs): `socket.py`, `json` or `subprocess` would cost a good part of what
the warm path saves. When there is no server, or anything goes wrong before the child starts,
the command runs in this process exactly as it would without a server, and a server is
started for the next call.
"""

from __future__ import annotations

import _signal
import _socket
import os
import sys
import time

from aurelius.warm import paths, wire

FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGWINCH", "SIGTSTP", "SIGCONT")
HANDSHAKE_SECONDS = 10.0


def main() -> None:
    status = _warm() if paths.enabled() and paths.supported() else None
    sys.exit(_in_process() if status is None else status)


def _warm() -> int | None:
    """The command's exit status through the server; None when it did not start there."""
    path = paths.socket_path()
    if paths.unsafe(path):
        return None
    try:
        connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        connection.settimeout(HANDSHAKE_SECONDS)
        connection.connect(path)
        _send_request(connection)
        child = _started(connection)
    except Exception:  # whatever went wrong, the command has not started: run it here
        return None
    if child is None:
        return None
    return _follow(connection, child)


def _send_request(connection: _socket.socket) -> None:
    data = wire.encode("run", wire.run_fields())
    rights = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, wire.fds_payload((0, 1, 2)))]
    sent = connection.sendmsg([data], rights)
    connection.sendall(data[sent:])


def _started(connection: _socket.socket) -> int | None:
    """The child's pid once it is ready; `G` lets it run (it never runs unless we say so)."""
    reply = _line(connection)
    if not reply.startswith(b"P "):
        return None
    child = int(reply[2:])
    _forward_signals(child)
    connection.sendall(wire.GO)
    connection.settimeout(None)
    return child


def _follow(connection: _socket.socket, child: int) -> int:
    """Wait for the child: stop with it (job control) and return its status."""
    while True:
        try:
            reply = _line(connection)
        except OSError:
            reply = b""
        if reply == b"T":
            _stop_self(child)
        elif reply.startswith(b"X "):
            return int(reply[2:])
        else:
            return _lost(child)


_unread = bytearray()  # what arrived after the last reply line (one connection per process)


def _line(connection: _socket.socket) -> bytes:
    while b"\n" not in _unread:
        chunk = connection.recv(4096)
        if not chunk:
            raise OSError("the server closed the connection")
        _unread.extend(chunk)
    end = _unread.index(b"\n")
    line = bytes(_unread[:end])
    del _unread[: end + 1]
    return line


def _forward_signals(child: int) -> None:
    def forward(number: int, _frame: object) -> None:
        try:  # noqa: SIM105 - contextlib is one import more on every command
            os.killpg(child, number)
        except OSError:
            pass  # it has just ended; its status is on its way

    for name in FORWARDED:
        if hasattr(_signal, name):
            _signal.signal(getattr(_signal, name), forward)


def _stop_self(child: int) -> None:
    """The child was stopped (Ctrl-Z): stop too, so the shell gets the terminal back. Once we
    run again the child does too (the kernel ignores the stop of an orphaned process group,
    as it would for the command run in-process)."""
    handler = _signal.signal(_signal.SIGTSTP, _signal.SIG_DFL)
    os.kill(os.getpid(), _signal.SIGTSTP)
    _signal.signal(_signal.SIGTSTP, handler)
    try:  # noqa: SIM105 - contextlib is one import more on every command
        os.killpg(child, _signal.SIGCONT)
    except OSError:
        pass


def _lost(child: int) -> int:
    """The server went away mid-command (killed): wait for the orphaned child to finish."""
    while paths.alive(child):
        time.sleep(0.05)
    os.write(2, b"aurelius: the warm server stopped during this command; its status is lost.\n")
    return 1



def _in_process() -> int | str | None:
    """Run the command here, as without a server; then leave one behind for the next call."""
    from importlib import import_module

    run = import_module("cli.main").run  # by name: the composition root never imports a door
    try:
        run()
    except SystemExit as done:
        status = done.code
    else:
        status = None
    if paths.enabled() and paths.supported() and sys.argv[1:2] != ["warm"]:
        from aurelius.warm.control import start

        start()
    return status
