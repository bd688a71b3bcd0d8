"""A job that holds its worker until the test releases it (RQ imports it by name)."""

from __future__ import annotations

import time
from pathlib import Path


def hold(folder: str) -> str:
    """Say it started, wait for `release` (at most a minute), then say it finished."""
    Path(folder, "started").touch()
    deadline = time.monotonic() + 60
    while not Path(folder, "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.02)
    Path(folder, "done").touch()
    return "done"
