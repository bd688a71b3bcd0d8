"""End to end in a real terminal: `aurelius tui` under tmux, a quick add, then quit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
AURELIUS = str(Path(sys.executable).with_name("aurelius"))


@pytest.fixture
def session(isolated_home: Path) -> Iterator[str]:
    name = f"aurelius-tui-{os.getpid()}"
    env = {
        "AURELIUS_HOME": str(isolated_home),
        "AURELIUS_TIMEZONE": "Europe/Berlin",
        "AURELIUS_NOW": "2026-03-10T09:00",
        "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"],  # this test's own warm server
    }
    flags = [part for key, value in env.items() for part in ("-e", f"{key}={value}")]
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "120",
            "-y",
            "40",
            *flags,
            f"{AURELIUS} tui",
        ],
        check=True,
    )
    yield name
    subprocess.run(["tmux", "kill-session", "-t", name], check=False, capture_output=True)


def screen(name: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True, check=False
    ).stdout


def wait_for(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def keys(name: str, *typed: str, literal: bool = False) -> None:
    subprocess.run(
        ["tmux", "send-keys", "-t", name, *(["-l"] if literal else []), *typed], check=True
    )


def test_quick_add_in_a_real_terminal(session: str, isolated_home: Path) -> None:
    wait_for(lambda: "Tasks · by urgency" in screen(session))
    keys(session, "a")
    wait_for(lambda: "Quick add" in screen(session) or "Type a task" in screen(session))
    keys(session, "Buy milk tomorrow p1", literal=True)
    wait_for(lambda: "Wed 11 Mar 2026" in screen(session))
    keys(session, "Enter")
    wait_for(lambda: "Buy milk" in screen(session) and "Wed 11 Mar" in screen(session))
    keys(session, "q")
    wait_for(
        lambda: (
            subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode
            != 0
        ),
        seconds=10,
    )
    listed = subprocess.run(
        [AURELIUS, "task", "list", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "AURELIUS_HOME": str(isolated_home)},
        check=True,
    )
    [task] = json.loads(listed.stdout)
    assert (task["title"], task["priority"], task["due"]) == ("Buy milk", 1, "2026-03-11")
