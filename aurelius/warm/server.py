"""The warm parent: import everything once, then fork one child per command.

    python -P -m aurelius.warm.server      (started in the background by the client)

Safe to fork because the parent only imports: it opens no database connection, starts no
thread and builds no settings or services (it refuses to serve if an import started a thread).
It serves one socket per code identity, exits after AURELIUS_WARM_IDLE minutes without a
request (default 30) unless a keeper (`aurelius run`) is alive, and exits as soon as a request
finds that its source files changed on disk, leaving the socket to a fresh server.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
from importlib import import_module

from aurelius.warm import child, paths, wire
from aurelius.warm.fingerprint import fingerprint
from aurelius.warm.preheat import preheat

ENTRY = "cli.main"  # loaded by name: the composition root never imports a door
DEFAULT_IDLE_MINUTES = 30.0
LOCK_WAIT_SECONDS = 5.0


class Server:
    def __init__(self, path: str, lock: int, source: str, idle: float) -> None:
        self.path, self.lock, self.source, self.idle = path, lock, source, idle
        self.listener = _listen(path)
        self.inode = os.lstat(path).st_ino
        self.wake_read, self.wake_write = os.pipe()
        self.children: dict[int, socket.socket] = {}
        self.keepers: set[int] = set()
        self.started, self.last_request, self.served = time.time(), time.monotonic(), 0
        self.draining = False
        self.terminated = False

    def serve(self) -> None:
        os.set_blocking(self.wake_write, False)
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake select()
        signal.signal(signal.SIGTERM, self._terminate)
        while not (self.draining and not self.children) and not self._idle_out():
            watched = [self.wake_read] + ([] if self.draining else [self.listener])
            ready, _, _ = select.select(watched, [], [], self._wait())
            if self.wake_read in ready:
                os.read(self.wake_read, 512)
            if self.terminated:
                self.drain()  # here, not in the handler: select() may still hold the socket
            elif self.listener in ready and not self.draining:
                self._accept()
            self._reap()
        self.drain()  # idle: leave no socket behind

    def _terminate(self, *_: object) -> None:
        self.terminated = True

    def _wait(self) -> float:
        """Seconds until the idle limit, checked at least every 30 s (keepers, the socket)."""
        left = self.idle - (time.monotonic() - self.last_request) if self.idle > 0 else 30.0
        return min(max(left, 0.01), 30.0)

    def _idle_out(self) -> bool:
        if self.children or self._keepers_alive():
            return False
        if not self.draining and not self._socket_is_ours():
            return True  # removed or replaced (its home was deleted?): give way
        return self.idle > 0 and time.monotonic() - self.last_request > self.idle

    def _socket_is_ours(self) -> bool:
        try:
            return os.lstat(self.path).st_ino == self.inode
        except OSError:
            return False

    def _keepers_alive(self) -> bool:
        self.keepers = {pid for pid in self.keepers if paths.alive(pid)}
        return bool(self.keepers)

    def _accept(self) -> None:
        connection, _ = self.listener.accept()
        fds: list[int] = []
        try:
            connection.settimeout(2.0)
            if _peer_uid(connection) != os.getuid():
                raise PermissionError("another user")
            kind, fields, fds = _read_request(connection)
            self.last_request = time.monotonic()
            self._handle(connection, kind, fields, fds)
        except (OSError, ValueError, KeyError):
            connection.close()
        finally:
            for fd in fds:
                os.close(fd)

    def _handle(self, connection: socket.socket, kind: str, fields: list[bytes],
                fds: list[int]) -> None:
        if kind == "run":
            self._run(connection, fields, fds)
            return
        if kind == "keep":
            self.keepers.add(int(fields[0]))
        elif kind == "stop":
            self.drain()
        connection.sendall(json.dumps(self.report()).encode() + b"\n")
        connection.close()

    def _run(self, connection: socket.socket, fields: list[bytes], fds: list[int]) -> None:
        if len(fds) != 3 or fingerprint() != self.source:
            connection.sendall(b"S\n")  # stale or odd: the client runs the command itself
            connection.close()
            self.drain()
            return
        pid = os.fork()
        if pid == 0:
            child.serve(connection, fds, fields, self.forget, import_module(ENTRY).run)
        self.children[pid] = connection
        self.served += 1

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG | os.WUNTRACED)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.children:
                self._tell(pid, status)

    def _tell(self, pid: int, status: int) -> None:
        if os.WIFSTOPPED(status):
            _send(self.children[pid], b"T\n")
            return
        code = os.waitstatus_to_exitcode(status)
        connection = self.children.pop(pid)
        _send(connection, b"X %d\n" % (128 - code if code < 0 else code))
        connection.close()

    def drain(self) -> None:
        """Take no new commands; finish the running ones, then exit. The socket and the lock
        go at once, so a new server can start beside the draining one."""
        if self.draining:
            return
        self.draining = True
        if self._socket_is_ours():
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        self.listener.close()
        os.close(self.lock)

    def forget(self) -> None:
        """In a new child: drop everything that belongs to the parent."""
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)
        self.listener.close()
        for fd in (self.wake_read, self.wake_write, *([] if self.draining else [self.lock])):
            os.close(fd)
        for connection in self.children.values():
            connection.close()

    def report(self) -> dict[str, object]:
        return {
            "running": True, "pid": os.getpid(), "since": self.started, "socket": self.path,
            "version": f"{_version()}+{self.source[:12]}", "python": sys.executable,
            "rss_bytes": resident_bytes(), "requests": self.served,
            "children": len(self.children), "keepers": sorted(self.keepers),
            "idle_minutes": self.idle / 60, "draining": self.draining,
        }


def _version() -> str:
    from aurelius import __version__

    return __version__


def _listen(path: str) -> socket.socket:
    """Bind under a temporary name with a 0600 mode from the start, then move it into place
    (a stale socket of a crashed server is simply replaced)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temporary = f"{path}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    mask = os.umask(0o177)
    try:
        listener.bind(temporary)
    finally:
        os.umask(mask)
    listener.listen(64)
    os.replace(temporary, path)
    return listener


def _peer_uid(connection: socket.socket) -> int | None:
    """The connecting process's uid, from the kernel (SO_PEERCRED; LOCAL_PEERCRED on macOS)."""
    if hasattr(socket, "SO_PEERCRED"):
        data = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return int(struct.unpack("3i", data)[1])
    if hasattr(socket, "LOCAL_PEERCRED"):  # struct xucred: version, uid, ...
        data = connection.getsockopt(0, socket.LOCAL_PEERCRED, struct.calcsize("2I"))
        return int(struct.unpack("2I", data[:8])[1])
    return None


def _read_request(connection: socket.socket) -> tuple[str, list[bytes], list[int]]:
    data, fds, _flags, _address = socket.recv_fds(connection, 1 << 16, 3)
    try:
        while len(data) < wire.HEADER:
            data += _more(connection)
        size = wire.body_length(data) + wire.HEADER
        while len(data) < size:
            data += _more(connection)
        kind, fields = wire.decode(data[wire.HEADER : size])
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return kind, fields, fds


def _more(connection: socket.socket) -> bytes:
    chunk = connection.recv(1 << 16)
    if not chunk:
        raise ValueError("the request ended early")
    return chunk


def _send(connection: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):  # a client that went away has nobody to tell
        connection.sendall(data)



def resident_bytes(pid: int | str = "self") -> int:
    """Resident memory (VmRSS) of a process; the peak on systems without /proc."""
    try:
        with open(f"/proc/{pid}/status") as status:
            line = next(line for line in status if line.startswith("VmRSS:"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _lock(path: str) -> int | None:
    """The lock that makes one server per socket: racing starters wait, then give way."""
    lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lock
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(lock)
                return None
            time.sleep(0.05)


def _answers(path: str) -> bool:
    """A live server of ours is already there (an unsafe socket is never even touched)."""
    if paths.unsafe(path):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
    return True


def _idle_seconds() -> float:
    try:
        return float(os.environ.get("AURELIUS_WARM_IDLE", DEFAULT_IDLE_MINUTES)) * 60
    except ValueError:
        return DEFAULT_IDLE_MINUTES * 60


def preload() -> None:
    """Import everything a command needs, then check that nothing started a thread."""
    entry = import_module(ENTRY)
    entry.warm_up()
    preheat(entry.click_tree())
    if threading.active_count() != 1:
        raise RuntimeError("an import started a thread: forking would be unsafe")
    gc.collect()
    gc.freeze()  # children's collections skip the parent's objects (fewer copied pages)


def main() -> None:
    os.chdir("/")
    source = fingerprint()  # before importing: a change during start-up makes it stale
    path = paths.socket_path()
    # Judged before private_dir() closes a loose directory: a socket found in one is never
    # even probed (somebody else may have put it there).
    trusted = paths.unsafe(path) is None
    paths.private_dir(os.path.dirname(path))
    lock = _lock(path)
    if lock is None or (trusted and _answers(path)):
        return
    preload()
    server = Server(path, lock, source, _idle_seconds())
    keeper = os.environ.get("AURELIUS_WARM_KEEPER")
    if keeper:
        server.keepers.add(int(keeper))
    server.serve()


if __name__ == "__main__":
    main()
