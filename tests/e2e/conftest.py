"""The `run` fixture: the CLI through Typer's runner, on every test database."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from typer.testing import CliRunner, Result

from cli import context
from cli.main import app
from tests.conftest import ZONE

Run = Callable[..., Result]


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    """Invoke the CLI as a fresh process would: new services for every command."""
    monkeypatch.setenv("AURELIUS_DATABASE_URL", database_url)
    monkeypatch.setenv("AURELIUS_TIMEZONE", ZONE)
    monkeypatch.setenv("AURELIUS_NOW", "2026-03-10T09:00")
    monkeypatch.setenv("COLUMNS", "200")  # tables are not wrapped mid-phrase
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True, input: str | None = None) -> Result:
        context.services.cache_clear()
        try:
            result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        finally:
            if context.services.cache_info().currsize:
                context.services().close()
            context.services.cache_clear()
        assert (result.exit_code == 0) == ok, result.output
        return result

    yield invoke


def as_json(result: Result) -> object:
    return json.loads(result.stdout)
