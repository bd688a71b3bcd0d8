"""A bug in a command is one line with a reference that the log and the error tracker share."""

from __future__ import annotations

from functools import cache

import pytest

from aurelius.bootstrap import Services
from tests.e2e.conftest import Run


@cache  # shaped like `cli.context.services`, which the runner resets
def _broken() -> Services:
    raise LookupError("a bug")


def test_the_cli_names_a_reference_for_a_bug(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cli.context.services", _broken)
    result = run("task", "list", ok=False)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith("Error: Unexpected LookupError (reference ")
    reference = line.split("(reference ", 1)[1].split(")", 1)[0]
    assert len(reference) == 32 and "Traceback" not in result.output
