"""Real `aurelius` processes with and without the warm server, for the warm tests.

Every test has its own runtime dir (tests/conftest.py's `isolated_home` sets XDG_RUNTIME_DIR
and stops what was started there), so each test starts, sees and stops only its own server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aurelius.warm import control, paths

AURELIUS = shutil.which("aurelius", path=str(Path(sys.executable).parent)) or "aurelius"
FIXED = {"AURELIUS_TIMEZONE": "Europe/Berlin", "AURELIUS_NOW": "2026-03-10T09:00",
         "COLUMNS": "120"}


def env(home: Path, warm: bool = True, **extra: str) -> dict[str, str]:
    found = {**os.environ, **FIXED, "AURELIUS_HOME": str(home), **extra}
    found.pop("AURELIUS_DATABASE_URL", None)
    found["AURELIUS_WARM"] = "1" if warm else "0"
    return found


def aurelius(home: Path, *args: str, warm: bool = True, stdin: str | None = None,
             **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AURELIUS, *args], env=env(home, warm, **extra), input=stdin,
                          capture_output=True, text=True, timeout=60, check=False)


def spawn(home: Path, *args: str, warm: bool = True, **extra: str) -> subprocess.Popen[str]:
    """A client in a process group of its own, as a shell runs a job: never an orphaned
    group (whose Ctrl-Z the kernel would ignore), whatever runs the tests."""
    return subprocess.Popen([AURELIUS, *args], env=env(home, warm, **extra), text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, process_group=0)


def wait_for(check: Callable[[], Any], seconds: float = 30.0) -> Any:
    """Poll a condition (a server starting or exiting) until it holds."""
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {check}"
        time.sleep(0.02)
    return found


def status() -> dict[str, Any]:
    return control.status()


def running_server(home: Path) -> dict[str, Any]:
    """Run one command (which leaves a server behind) and wait until the server answers."""
    assert aurelius(home, "--version").returncode == 0
    report: dict[str, Any] = wait_for(lambda: (found := status())["running"] and found)
    return report


def children(server: int) -> list[int]:
    """The server's forked children (Linux)."""
    listed = Path(f"/proc/{server}/task/{server}/children").read_text().split()
    return [int(pid) for pid in listed]


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return True
    return state == "Z"


def socket_path() -> Path:
    return Path(paths.socket_path())
