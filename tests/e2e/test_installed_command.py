"""The installed `aurelius` command, run as a user would, on the embedded default."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def aurelius(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("aurelius", path=str(Path(sys.executable).parent))
    assert executable, "the aurelius console script is not installed"
    env = {**os.environ, "AURELIUS_HOME": str(home), "AURELIUS_TIMEZONE": "Europe/Berlin"}
    env.pop("AURELIUS_DATABASE_URL", None)
    return subprocess.run(
        [executable, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_first_use_creates_the_database_and_works(isolated_home: Path) -> None:
    assert aurelius(isolated_home, "--version").stdout.startswith("aurelius 0.")
    added = aurelius(isolated_home, "task", "add", "Renew passport", "--due", "2026-12-01")
    assert added.returncode == 0, added.stderr
    assert (isolated_home / "aurelius.db").exists()
    listed = json.loads(aurelius(isolated_home, "task", "list", "--json").stdout)
    assert [task["title"] for task in listed] == ["Renew passport"]


def test_user_error_has_no_traceback(isolated_home: Path) -> None:
    result = aurelius(isolated_home, "task", "done", "42")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: No task #42. See `aurelius task list` for the ids."


def test_python_dash_m_works(isolated_home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aurelius", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.startswith("aurelius ")


@pytest.mark.parametrize(
    "module",
    ["core", "core.services.tasks", "core.services.calendars", "core.services.ical", "core.nlu"],
)
def test_core_loads_no_interface_framework_or_vendor_sdk(module: str) -> None:
    forbidden = [
        "typer",
        "rich",
        "textual",
        "slack_bolt",
        "slack_sdk",
        "telegram",
        "fastapi",
        "starlette",
        "rq",
        "apscheduler",
        "anthropic",
        "openai",
        "stripe",
        "redis",
        "httpx",
    ]
    probe = f"import sys, {module}; print([m for m in {forbidden!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
