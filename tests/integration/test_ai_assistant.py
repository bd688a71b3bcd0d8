"""The conversation loop: tools, confirmation, offline mode, threads, the SDKs on stubs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from aurelius.bootstrap import Services
from core.services.calendars import NewEvent
from core.timeutil import localize
from tests.conftest import ZONE
from tests.stubs.anthropic import AnthropicStub
from tests.stubs.fake_model import FakeChatModel
from tests.stubs.helpers import ai_with
from tests.stubs.openai import OpenAIStub
from tests.stubs.server import Scripted


@pytest.fixture
def anthropic_stub() -> Iterator[AnthropicStub]:
    stub = AnthropicStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    stub = OpenAIStub().start()
    yield stub
    stub.stop()


def test_offline_runs_understood_requests_through_the_same_tools(
    services: Services, user_id: int
) -> None:
    assistant = ai_with(services).assistant
    reply = assistant.ask(user_id, "buy milk tomorrow p1 #errands")
    assert reply.text.startswith("Added task #1 buy milk") and reply.provider == "offline"
    assert services.tasks.ranked(user_id)[0].tags == ["errands"]
    general = assistant.ask(user_id, "how does SMTP work?")
    assert "AURELIUS_ANTHROPIC_API_KEY" in general.text


def test_model_uses_tools_over_several_steps_and_sees_local_time(
    services: Services, user_id: int
) -> None:
    model = FakeChatModel("anthropic")
    model.enqueue("", ("list_tasks", {}))
    model.enqueue("", ("add_task", {"title": "Call Sara", "due": "2026-03-12"}))
    model.enqueue("Done: added 'Call Sara' for Thursday.")
    services.tasks.add(user_id, "Pay rent")
    reply = ai_with(services, {"anthropic": model}).assistant.ask(user_id, "sort my week")
    assert reply.text == "Done: added 'Call Sara' for Thursday."
    assert [t.title for t in services.tasks.ranked(user_id)] == ["Call Sara", "Pay rent"]
    first, last = model.calls[0], model.calls[-1]
    assert "2026-03-10 09:00 (Tuesday), time zone Europe/Berlin" in first.system
    assert "Pay rent" in last.messages[2].content  # the list_tasks result came back as data
    assert reply.items and reply.items[-1]["title"] == "Call Sara"


def test_deleting_waits_for_confirmation(services: Services, user_id: int) -> None:
    task = services.tasks.add(user_id, "Old idea")
    model = FakeChatModel("anthropic")
    model.enqueue("", ("delete_task", {"task_id": task.id}))
    model.enqueue("Shall I delete task #1 'Old idea'? Answer yes or no.")
    assistant = ai_with(services, {"anthropic": model}).assistant
    reply = assistant.ask(user_id, "delete my old idea task")
    assert reply.actions == ["yes", "no"]
    assert [t.id for t in services.tasks.ranked(user_id)] == [task.id]  # not yet
    assert "Waiting for the user's confirmation" in model.calls[-1].messages[-1].content
    done = assistant.ask(user_id, "yes")
    assert done.text == "Deleted task #1 Old idea." and services.tasks.ranked(user_id) == []


def test_cancelled_action_does_nothing(services: Services, user_id: int) -> None:
    start = localize(datetime(2026, 3, 12, 10), ZONE)
    event = services.calendar.add(user_id, NewEvent("Standup", start, start.replace(hour=11)))
    model = FakeChatModel("anthropic")
    model.enqueue("", ("delete_event", {"event_id": event.id})).enqueue("Confirm?")
    assistant = ai_with(services, {"anthropic": model}).assistant
    assistant.ask(user_id, "drop the standup")
    assert assistant.ask(user_id, "no").text.startswith("Cancelled: delete event #1")
    assert len(services.calendar.day(user_id, start.date())) == 1


def test_threads_persist_per_channel(services: Services, user_id: int) -> None:
    model = FakeChatModel("anthropic")
    assistant = ai_with(services, {"anthropic": model}).assistant
    assistant.ask(user_id, "remember: my dentist is Dr Who", channel="slack")
    assistant.ask(user_id, "who is my dentist?", channel="slack")
    assistant.ask(user_id, "hello there", channel="telegram")
    assert next(m.content for m in model.calls[1].messages) == "remember: my dentist is Dr Who"
    assert len(model.calls[2].messages) == 1


def test_anthropic_sdk_against_the_stub_with_streaming_tools(
    services: Services, user_id: int, anthropic_stub: AnthropicStub
) -> None:
    anthropic_stub.enqueue(
        Scripted(text="Let me add that.", tool_calls=[("add_task", {"title": "Book flights"})]),
        Scripted(text="Added Book flights to your tasks."),
    )
    ai = ai_with(
        services, None, anthropic_api_key="sk-ant-test", anthropic_base_url=anthropic_stub.url
    )
    pieces: list[str] = []
    reply = ai.assistant.ask(user_id, "please get the flights sorted", on_text=pieces.append)
    assert reply.text == "Added Book flights to your tasks." and reply.provider == "anthropic"
    assert "".join(pieces) == "Let me add that.Added Book flights to your tasks."
    assert services.tasks.ranked(user_id)[0].title == "Book flights"
    sent = anthropic_stub.requests[1]["messages"]
    assert sent[-1]["content"][0]["type"] == "tool_result"
    assert anthropic_stub.headers[0].get("authorization") == "Bearer sk-ant-test"


def test_anthropic_outage_falls_over_to_openai(
    services: Services, user_id: int, anthropic_stub: AnthropicStub, openai_stub: OpenAIStub
) -> None:
    anthropic_stub.fail(503, times=3)
    openai_stub.enqueue(Scripted(text="Hello from the backup."))
    ai = ai_with(
        services,
        None,
        anthropic_api_key="a",
        anthropic_base_url=anthropic_stub.url,
        openai_api_key="o",
        openai_base_url=f"{openai_stub.url}/v1",
    )
    reply = ai.assistant.ask(user_id, "hello, who are you?")
    assert (reply.provider, reply.model) == ("openai", "gpt-4.1-mini")
    assert anthropic_stub.calls == 3


def test_openai_embeddings_through_the_sdk(services: Services, openai_stub: OpenAIStub) -> None:
    from tests.stubs.openai import vector

    ai = ai_with(services, None, openai_api_key="o", openai_base_url=f"{openai_stub.url}/v1")
    assert ai.embedder is not None
    assert ai.embedder.embed(["ab", "abc"]) == [vector("ab"), vector("abc")]


def test_brief_summary_comes_from_the_economy_tier_and_is_left_out_offline(
    services: Services, user_id: int, anthropic_stub: AnthropicStub
) -> None:
    from core.ai.summaries import BriefSummarizer
    from core.services.briefings import BriefingService, render

    services.tasks.add(user_id, "File taxes", due=services.clock.now().date(), priority=1)
    anthropic_stub.enqueue(Scripted(text="Taxes are due today. File them first."))
    ai = ai_with(
        services, None, anthropic_api_key="sk-ant-test", anthropic_base_url=anthropic_stub.url
    )
    briefings = BriefingService(
        services.db,
        services.tasks,
        services.calendar,
        services.reminders,
        BriefSummarizer(ai.gateway),
    )
    brief = briefings.build(user_id, services.clock.now().date())
    assert brief.summary == "Taxes are due today. File them first."
    assert render(brief).splitlines()[2] == "Taxes are due today. File them first."
    sent = anthropic_stub.requests[0]
    assert sent["model"] == "claude-haiku-4-5"
    assert "<brief>" in sent["messages"][0]["content"][0]["text"]
    offline = BriefingService(
        services.db,
        services.tasks,
        services.calendar,
        services.reminders,
        BriefSummarizer(ai_with(services, {}).gateway),
    )
    assert offline.build(user_id, services.clock.now().date()).summary is None
