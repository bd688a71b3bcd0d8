"""Talking to the server from a full process: start it, ask its status, stop it, keep it up."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

from aurelius.warm import paths, wire

KEEP_EVERY_SECONDS = 60.0


def start(keeper: int | None = None) -> int | None:
    """Start a server in the background (it gives way if one is already up); its pid."""
    environ = dict(os.environ)
    if keeper is not None:
        environ["AURELIUS_WARM_KEEPER"] = str(keeper)
    quiet = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDWR, 0),
             (os.POSIX_SPAWN_DUP2, 0, 1), (os.POSIX_SPAWN_DUP2, 0, 2)]
    command = [sys.executable, "-P", "-m", "aurelius.warm.server"]
    try:
        # Create the dir when missing, but leave a loose one as it is: the server must see it
        # loose to distrust a socket inside (it tightens the dir only after judging it).
        os.makedirs(os.path.dirname(paths.socket_path()), mode=0o700, exist_ok=True)
        pid = os.posix_spawn(sys.executable, command, environ, file_actions=quiet, setsid=True)
        with open(_starting_log(), "a") as log:  # so that `stop` can stop it while it starts
            log.write(f"{pid}\n")
    except (OSError, AttributeError, NotImplementedError):
        return None  # no server: every command keeps running in-process
    return pid


def _starting_log() -> str:
    return f"{paths.socket_path()}.starting"


def ask(kind: str, *fields: str) -> dict[str, Any] | None:
    """The server's answer to a `status`, `stop` or `keep` request; None when none runs."""
    path = paths.socket_path()
    if paths.unsafe(path):
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(5.0)
            connection.connect(path)
            connection.sendall(wire.encode(kind, [field.encode() for field in fields]))
            reply: dict[str, Any] = json.loads(connection.makefile("rb").readline())
            return reply
    except (OSError, ValueError):
        return None


def status() -> dict[str, Any]:
    path = paths.socket_path()
    return ask("status") or {"running": False, "socket": path, "refused": _refusal(path)}


def _refusal(path: str) -> str | None:
    why = paths.unsafe(path)
    return None if why in (None, "no socket") else why


def stop(wait: float = 0.0) -> int | None:
    """Stop the server (it finishes running commands first) and any server still starting;
    wait up to `wait` seconds for them to be gone. The running server's pid, or None."""
    reply = ask("stop")
    pids = {int(reply["pid"])} if reply else set()
    pids |= _terminate_starting()
    deadline = time.monotonic() + wait
    while any(_is_server(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return int(reply["pid"]) if reply else None


def _terminate_starting() -> set[int]:
    try:
        with open(_starting_log()) as log:
            pids = {int(line) for line in log if line.strip().isdigit()}
        os.unlink(_starting_log())
    except OSError:
        return set()
    for pid in filter(_is_server, pids):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    return pids


def _is_server(pid: int) -> bool:
    """Only a live warm server of ours is signalled, never a process that reused its pid
    (checked through /proc, so elsewhere starting servers are left to give way by themselves)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"aurelius.warm.server" in cmdline.read() and _alive_unreaped(pid)
    except OSError:
        return False


def _alive_unreaped(pid: int) -> bool:
    with open(f"/proc/{pid}/stat", "rb") as stat:
        return stat.read().rpartition(b")")[2].split()[0] != b"Z"


def keep_warm() -> None:
    """Keep a warm server alive while this process runs (`aurelius run`, which is a host
    with threads and so never a fork parent itself): re-register every minute, and start a
    new server when the last one was stopped or replaced."""
    if not (paths.enabled() and paths.supported()):
        return
    threading.Thread(target=_keep, name="aurelius-warm-keeper", daemon=True).start()


def _keep() -> None:
    pid, started = os.getpid(), None
    while True:
        if ask("keep", str(pid)) is None:
            started = start(keeper=pid)
        if started:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(started, os.WNOHANG)  # reap a server that has since exited
        threading.Event().wait(KEEP_EVERY_SECONDS)
