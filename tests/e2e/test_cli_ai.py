"""`aurelius ask`, `chat` and `usage` through the CLI, the real SDK on a loopback stub."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Run, as_json
from tests.stubs.anthropic import AnthropicStub
from tests.stubs.server import Scripted


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[AnthropicStub]:
    server = AnthropicStub().start()
    monkeypatch.setenv("AURELIUS_ANTHROPIC_API_KEY", "sk-ant-e2e")
    monkeypatch.setenv("AURELIUS_ANTHROPIC_BASE_URL", server.url)
    yield server
    server.stop()


def test_multi_step_tool_conversation_through_ask(run: Run, stub: AnthropicStub) -> None:
    run("cal", "add", "Dentist", "--start", "2026-03-11 15:00")
    stub.enqueue(
        Scripted(tool_calls=[("list_events", {"start": "2026-03-10T00:00",
                                              "end": "2026-03-17T00:00"})]),
        Scripted(tool_calls=[("move_event", {"event_id": 1, "start": "2026-03-12T15:00"}),
                             ("add_reminder", {"text": "Dentist tomorrow 15:00",
                                               "at": "2026-03-11T09:00"})]),
        Scripted(text="Moved the dentist to Thursday 15:00 and I'll remind you Wednesday."),
    )
    out = run("ask", "move my dentist appointment to thursday same time and remind me the "
              "day before").stdout
    assert "Moved the dentist to Thursday 15:00" in out
    assert stub.requests[0]["model"] == "claude-sonnet-4-6"  # several steps: default tier
    event = as_json(run("cal", "agenda", "--json"))[0]  # type: ignore[index]
    assert event["start"].startswith("2026-03-12T15:00")
    reminder = as_json(run("remind", "list", "--json"))[0]  # type: ignore[index]
    assert reminder["remind_at"] == "2026-03-11T09:00:00+01:00"
    records = as_json(run("usage", "--json"))
    assert [r["model"] for r in records] == ["claude-sonnet-4-6"] * 3  # type: ignore[index]
    assert all(r["cost_usd"] > 0 for r in records)  # type: ignore[index]
    egress = as_json(run("usage", "--egress", "--json"))
    assert egress[-1]["data_kinds"] == ["events", "messages", "reminders"]  # type: ignore[index]


def test_simple_requests_stay_offline_even_with_a_key(run: Run, stub: AnthropicStub) -> None:
    assert "Added task #1 buy milk" in run("ask", "buy milk tomorrow").stdout
    assert stub.calls == 0


def test_without_a_key_a_general_question_says_how_to_configure(run: Run) -> None:
    out = run("ask", "what is the capital of Peru?").stdout
    assert "A model is needed" in out and "AURELIUS_ANTHROPIC_API_KEY" in out
    assert "offline:nlu" in run("usage", "--month").stdout


def test_bad_key_fails_with_a_clear_message(run: Run, stub: AnthropicStub) -> None:
    stub.fail(401)
    result = run("ask", "what should I cook tonight?", ok=False)
    assert "check AURELIUS_ANTHROPIC_API_KEY" in result.output
    assert "sk-ant-e2e" not in result.output


def test_chat_streams_and_ends_on_exit(run: Run, stub: AnthropicStub) -> None:
    from typer.testing import CliRunner

    from cli import context
    from cli.main import app

    stub.enqueue(Scripted(text="Hello! How can I help?"))
    context.services.cache_clear()
    result = CliRunner().invoke(app, ["chat"], input="hi, who are you?\nexit\nnever read\n")
    context.services().close()
    context.services.cache_clear()
    assert result.exit_code == 0, result.output
    assert "aurelius> Hello! How can I help?" in result.stdout
    assert stub.requests[0].get("stream") is True and stub.calls == 1


def test_offline_free_time_question_respects_the_part_of_day(run: Run) -> None:
    run("cal", "add", "Dentist", "--start", "2026-03-13 14:00", "--duration", "45m")
    out = run("ask", "am I free friday afternoon?").stdout
    assert "Fri 13 Mar 2026 12:00 Europe/Berlin – 14:00 (120 min)" in out
    assert "14:45 Europe/Berlin – 17:00 (135 min)" in out and "09:00" not in out
