"""The warm server is never trusted blindly: foreign or loose sockets are refused, other users
are turned away, a crashed server breaks nothing and changed code replaces the server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aurelius.warm import fingerprint, wire
from tests.e2e.warm_process import aurelius, gone, running_server, socket_path, status, wait_for

pytestmark = [
    pytest.mark.slow,
    # One worker runs them all in turn: one of them changes a source file's mtime, which
    # (by design) retires every server running at that moment.
    pytest.mark.xdist_group("warm"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]
NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"  # the project's venv may be closed to other users


@pytest.fixture
def impostor(isolated_home: Path) -> Iterator[socket.socket]:
    """A listening socket at the server's path that nobody should ever talk to."""
    path = socket_path()
    path.parent.mkdir(parents=True, mode=0o700)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(8)
    listener.setblocking(False)
    yield listener
    listener.close()


def _untouched(listener: socket.socket) -> bool:
    try:
        listener.accept()[0].close()
    except BlockingIOError:
        return True
    return False


@pytest.mark.parametrize("case", ["loose socket", "foreign socket", "loose directory"])
def test_an_unsafe_socket_is_refused(
    case: str, impostor: socket.socket, isolated_home: Path
) -> None:
    path = socket_path()
    path.chmod(0o666 if case == "loose socket" else 0o600)
    if case == "foreign socket":
        if os.getuid() != 0:
            pytest.skip("only root can give a socket away")
        os.chown(path, NOBODY, NOBODY)
    if case == "loose directory":
        path.parent.chmod(0o755)
    shown = aurelius(isolated_home, "warm", "status").stdout
    assert "No warm server is running" in shown and "It was refused" in shown
    result = aurelius(isolated_home, "--version", AURELIUS_WARM_IDLE="0.001")
    assert result.returncode == 0 and result.stdout.startswith("aurelius ")
    assert _untouched(impostor)


@pytest.mark.skipif(os.getuid() != 0 or not Path(SYSTEM_PYTHON).exists(),
                    reason="needs root, and a Python another user may run")
def test_the_server_turns_away_another_user(isolated_home: Path) -> None:
    server = running_server(isolated_home)
    path = socket_path()
    path.parent.chmod(0o755)  # let the other user reach the socket at all
    path.chmod(0o666)
    # The test's tmp dirs are closed to other users: reach the folder through an open fd.
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    probe = (
        "import socket, sys\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        f"s.connect('/proc/self/fd/{folder}/{path.name}')\n"
        "try:\n"
        f"    s.sendall({wire.encode('status', [])!r})\n"
        "    reply = s.recv(4096)\n"
        "except ConnectionError:\n    reply = b''\n"
        "sys.stdout.write(repr(reply))\n"
    )
    try:
        asked = subprocess.run([SYSTEM_PYTHON, "-c", probe], user=NOBODY, pass_fds=(folder,),
                               capture_output=True, text=True, timeout=30, check=False)
    finally:
        os.close(folder)
    assert asked.returncode == 0 and asked.stdout == "b''", asked.stderr  # closed, no answer
    path.parent.chmod(0o700)
    path.chmod(0o600)
    assert status()["pid"] == server["pid"]  # still serving its own user


def test_a_killed_server_leaves_nothing_that_breaks_the_next_command(
    isolated_home: Path,
) -> None:
    killed = running_server(isolated_home)["pid"]
    os.kill(killed, signal.SIGKILL)
    wait_for(lambda: gone(killed))
    assert socket_path().exists()  # stale: nobody listens there any more
    added = aurelius(isolated_home, "task", "add", "After the crash")
    assert added.returncode == 0 and added.stdout.startswith("Added #1 After the crash")
    fresh = wait_for(lambda: (found := status())["running"] and found)
    assert fresh["pid"] != killed
    assert aurelius(isolated_home, "task", "list").returncode == 0
    assert status()["requests"] == fresh["requests"] + 1


@pytest.fixture
def source_file() -> Iterator[Path]:
    """A source file of the installed code whose mtime a test may change (restored after)."""
    path = Path(fingerprint.__file__)
    found = path.stat()
    yield path
    os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns))


def test_a_changed_source_file_replaces_the_server(
    isolated_home: Path, source_file: Path
) -> None:
    old = running_server(isolated_home)
    touched = source_file.stat().st_mtime_ns + 1_000_000_000
    os.utime(source_file, ns=(touched, touched))
    result = aurelius(isolated_home, "--version")  # the old server says stale: run here
    assert result.returncode == 0 and result.stdout.startswith("aurelius ")
    assert wait_for(lambda: gone(old["pid"]))
    new = wait_for(lambda: (found := status())["running"] and found)
    assert new["pid"] != old["pid"] and new["version"] != old["version"]
    assert aurelius(isolated_home, "--version").stdout == result.stdout
    assert status()["requests"] == new["requests"] + 1


def test_the_warm_parent_builds_nothing_before_it_forks() -> None:
    """What the server loads leaves no engine, settings, services, console or thread."""
    probe = (
        "import gc, json, threading, rich\n"
        "from importlib import import_module\n"
        "from aurelius.warm.server import ENTRY\n"
        "import_module(ENTRY).warm_up()  # what preload() runs before freezing the heap\n"
        "from sqlalchemy.engine import Engine\n"
        "from aurelius.settings import Settings\n"
        "from cli import context\n"
        "objects = gc.get_objects()\n"
        "print(json.dumps({'threads': threading.active_count(),\n"
        "    'engines': sum(isinstance(o, Engine) for o in objects),\n"
        "    'settings': sum(isinstance(o, Settings) for o in objects),\n"
        "    'services': context.services.cache_info().currsize,\n"
        "    'console': rich._console is not None,\n"
        "    'tui': 'textual.app' in __import__('sys').modules}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120, check=True)
    assert json.loads(result.stdout) == {"threads": 1, "engines": 0, "settings": 0,
                                         "services": 0, "console": False, "tui": True}
