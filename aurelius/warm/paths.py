"""Where the server's socket lives, and whether it is safe to talk to it (built-ins only)."""

from __future__ import annotations

import os
import sys

import aurelius

APP = "aurelius"
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def enabled() -> bool:
    """`AURELIUS_WARM=0` (or off/false/no) means: never use or start a server."""
    return os.environ.get("AURELIUS_WARM", "1").strip().lower() not in ("0", "off", "false", "no")


def supported() -> bool:
    """Linux and macOS: fork, unix sockets and fd passing are all there."""
    return sys.platform.startswith("linux") or sys.platform == "darwin"


def runtime_dir() -> str:
    """`$XDG_RUNTIME_DIR/aurelius`, else `warm/` in the data dir (as the settings place it)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return os.path.join(runtime, APP)
    return os.path.join(_data_dir(), "warm")


def _data_dir() -> str:
    home = os.environ.get("AURELIUS_HOME")
    if home:
        return os.path.expanduser(home)
    if sys.platform == "darwin":
        return os.path.expanduser(f"~/Library/Application Support/{APP}")
    data = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
    return os.path.join(data, APP)


def identity() -> str:
    """Version, environment, interpreter and install location: another venv or version has
    its own server (`python` and `python3` of one venv share one)."""
    interpreter = os.path.realpath(sys.executable)
    return f"{aurelius.__version__}|{sys.prefix}|{interpreter}|{PACKAGE_DIR}"


def socket_path() -> str:
    return os.path.join(runtime_dir(), f"warm-{_fnv(identity()):08x}.sock")


def _fnv(text: str) -> int:
    """FNV-1a, 32 bits: a stable short name without importing hashlib."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8", "surrogateescape"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def unsafe(path: str) -> str | None:
    """Why the socket at `path` must not be trusted, or None: it and its directory must be
    ours, not links, and closed to everyone else (0700 directory, 0600 socket)."""
    try:
        folder, sock = os.lstat(os.path.dirname(path)), os.lstat(path)
    except OSError:
        return "no socket"
    uid = os.getuid()
    if (folder.st_mode & 0o170000) != 0o040000 or folder.st_uid != uid:
        return "its directory is not a directory owned by you"
    if folder.st_mode & 0o077:
        return f"its directory has mode {folder.st_mode & 0o777:04o}, not 0700"
    if (sock.st_mode & 0o170000) != 0o140000 or sock.st_uid != uid:
        return "it is not a socket owned by you"
    if sock.st_mode & 0o077:
        return f"it has mode {sock.st_mode & 0o777:04o}, not 0600"
    return None


def private_dir(folder: str) -> None:
    """Create the runtime dir 0700, or refuse one that somebody else owns."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    found = os.lstat(folder)
    if found.st_uid != os.getuid() or (found.st_mode & 0o170000) != 0o040000:
        raise PermissionError(f"{folder} is not a directory of yours")
    os.chmod(folder, 0o700)


def alive(pid: int) -> bool:
    """Whether a process (a keeper, an orphaned child) still exists."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
