"""The TUI through the production app factory, on every test database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services
from cli.tui import AureliusApp
from cli.tui.chat import ChatPane
from cli.tui.forms import ChoiceScreen, FormScreen
from cli.tui.panels import AgendaTable, ReminderTable, TaskTable
from core.services.calendars import NewEvent
from tests.conftest import NOW
from tests.stubs.fake_model import FakeChatModel
from tests.stubs.helpers import ai_with
from tests.tui.conftest import SIZE, loaded, run, started, type_text, until

MakeApp = Callable[[], AureliusApp]


def _titles(app: AureliusApp) -> list[str]:
    table = app.query_one(TaskTable)
    return [str(table.get_row_at(row)[2]) for row in range(table.row_count)]


async def _quick_add(app: AureliusApp, pilot: Any, text: str, shows: str) -> str:
    """Open quick-add, type `text`, wait until the preview shows `shows`; the preview text."""
    await pilot.press("a")
    await type_text(pilot, text)
    preview = app.query_one("#quick-preview")
    await until(pilot, lambda: shows in str(preview.render()))
    return str(preview.render())


def test_quick_add_previews_then_creates_a_task(
    make_app: MakeApp, services: Services, user_id: int
) -> None:
    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            shown = await _quick_add(app, pilot, "Buy milk tomorrow p1 #errands",
                                     "Wed 11 Mar 2026")
            assert "p1" in shown and "#errands" in shown
            await pilot.press("enter")
            await until(pilot, lambda: _titles(app) == ["Buy milk"])
        [task] = services.tasks.ranked(user_id)
        assert (task.title, task.priority, task.tags) == ("Buy milk", 1, ["errands"])
        assert str(task.due) == "2026-03-11"

    run(scenario())


def test_quick_add_preview_marks_a_doubtful_reading(make_app: MakeApp) -> None:
    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            shown = await _quick_add(app, pilot, "call Bob at 5pm at 6pm", "not sure")
            assert "two different times" in shown

    run(scenario())


def test_quick_add_makes_events_and_reminders_by_intent(
    make_app: MakeApp, services: Services, user_id: int
) -> None:
    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            lines = ("lunch with Sara today 1pm for 90 minutes", "remind me to call mom in 2 hours")
            for text in lines:
                await pilot.press("a")
                await type_text(pilot, text)
                await pilot.press("enter")
            await until(pilot, lambda: app.query_one(ReminderTable).row_count == 1)
            await until(pilot, lambda: app.query_one(AgendaTable).row_count == 2)  # + now-line
        [event] = services.calendar.day(user_id, NOW.date())
        assert (event.title, event.end - event.start) == ("lunch with Sara", timedelta(minutes=90))
        assert services.reminders.upcoming(user_id)[0].title == "call mom"

    run(scenario())


def test_completing_a_task_updates_the_list(
    make_app: MakeApp, services: Services, user_id: int
) -> None:
    services.tasks.add(user_id, "Write report", priority=1)
    services.tasks.add(user_id, "Water plants", priority=4)

    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            assert _titles(app) == ["Write report", "Water plants"]
            await pilot.press("x")
            await until(pilot, lambda: _titles(app) == ["Water plants"])
            await pilot.press("u")
            await until(pilot, lambda: len(_titles(app)) == 2)
            await pilot.press("1")
            await until(pilot, lambda: services.tasks.ranked(user_id)[1].priority == 1)

    run(scenario())


def test_bad_input_is_validated_inline_and_errors_are_notifications(
    make_app: MakeApp, services: Services, user_id: int
) -> None:
    services.tasks.add(user_id, "Write report")

    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            await pilot.press("e")
            priority = app.screen.query_one("#f-priority")
            priority.value = "9"  # type: ignore[attr-defined]
            await pilot.press("enter")
            await pilot.pause()
            assert "Priority is 1" in str(app.screen.query_one("#form-error").render())
            await pilot.press("escape")
            await pilot.press("a")
            await type_text(pilot, "remind me to call mom")  # a reminder with no time
            await pilot.press("enter")
            await until(pilot, lambda: any("When" in n.message for n in app._notifications))
            assert app.is_running

    run(scenario())


def test_chat_streams_a_reply_from_the_model(make_app: MakeApp, services: Services) -> None:
    model = FakeChatModel("anthropic").enqueue("Your day looks calm and clear")
    services.ai = ai_with(services, {"anthropic": model})

    async def scenario() -> None:
        app = make_app()
        deltas: list[str] = []
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            pane = app.query_one(ChatPane)
            original = pane.stream

            def spy(piece: str) -> None:
                deltas.append(piece)
                original(piece)

            pane.stream = spy  # type: ignore[method-assign]
            await pilot.press("c")
            await type_text(pilot, "tell me a joke about calendars")
            await pilot.press("enter")
            log = app.query_one("#chat-log")
            await until(
                pilot, lambda: "calm and clear" in " ".join(str(w.render()) for w in log.children)
            )
        assert deltas == ["Your", "day", "looks", "calm", "and", "clear"]
        assert len(model.calls) == 1

    run(scenario())


def test_an_event_on_the_bus_refreshes_the_screen(
    make_app: MakeApp, services: Services, user_id: int
) -> None:
    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            # Written as another door would (the CLI, a bot): the commit publishes on the bus.
            services.tasks.add(user_id, "Added elsewhere")
            start = NOW + timedelta(hours=2)
            services.calendar.add(user_id, NewEvent("Standup", start, start + timedelta(hours=1)))
            await until(pilot, lambda: _titles(app) == ["Added elsewhere"], seconds=1.0)
            await until(pilot, lambda: app.query_one(AgendaTable).row_count == 2, seconds=1.0)

    run(scenario())


def test_week_view_help_and_palette_open(make_app: MakeApp) -> None:
    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            await pilot.press("w")
            await until(pilot, lambda: app.snapshot is not None and app.snapshot.days == 7)
            assert "Week · Mon 09 Mar" in str(app.query_one(AgendaTable).border_title)
            await pilot.press("right_square_bracket")
            await until(pilot, lambda: app.snapshot is not None and app.snapshot.day.day == 16)
            await pilot.press("question_mark")
            assert type(app.screen).__name__ == "HelpScreen"
            await pilot.press("escape")
            await pilot.press("ctrl+p")
            assert "CommandPalette" in type(app.screen).__name__

    run(scenario())


def test_editing_a_repeating_event_changes_details_and_moves_one_occurrence(
    make_app: MakeApp, services: Services, user_id: int
) -> None:
    start = NOW + timedelta(hours=1)  # 10:00 today, every day
    services.calendar.add(
        user_id,
        NewEvent("Standup", start, start + timedelta(minutes=15), recurrence="FREQ=DAILY;COUNT=3"),
    )

    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            app.query_one(AgendaTable).focus()
            await pilot.press("down")  # past the now-line at 09:00, onto the 10:00 standup
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, FormScreen))
            app.screen.query_one("#f-title").value = "Daily sync"  # type: ignore[attr-defined]
            app.screen.query_one("#f-start").value = "2026-03-10 11:00"  # type: ignore[attr-defined]
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
            await pilot.click("#c-this")
            await until(pilot, lambda: len(app._notifications) >= 2)

    run(scenario())
    day = services.calendar.agenda(user_id, NOW - timedelta(hours=9), NOW + timedelta(days=3))
    assert [(e.title, e.start.strftime("%d %H:%M")) for e in day] == [
        ("Daily sync", "10 11:00"),
        ("Daily sync", "11 10:00"),
        ("Daily sync", "12 10:00"),
    ]


def test_chat_confirmation_buttons_settle_a_delete(
    make_app: MakeApp, services: Services, user_id: int
) -> None:
    task = services.tasks.add(user_id, "Old idea")
    model = FakeChatModel("anthropic")
    model.enqueue("", ("delete_task", {"task_id": task.id}))
    model.enqueue("Shall I delete task #1 'Old idea'?")
    services.ai = ai_with(services, {"anthropic": model})

    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            await pilot.press("c")
            await type_text(pilot, "delete my old idea task")
            await pilot.press("enter")
            await until(pilot, lambda: bool(app.query("#say-yes")))
            assert services.tasks.ranked(user_id) != []  # nothing happens before the answer
            await pilot.click("#say-yes")
            await until(pilot, lambda: _titles(app) == [])
            assert not app.query("#say-yes")  # a confirmation is answered once

    run(scenario())
    assert services.tasks.ranked(user_id) == []


def test_tool_results_show_as_cards(make_app: MakeApp, services: Services) -> None:
    model = FakeChatModel("anthropic")
    model.enqueue("", ("add_task", {"title": "Book flights"})).enqueue("Added it.")
    services.ai = ai_with(services, {"anthropic": model})

    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            await pilot.press("c")
            await type_text(pilot, "please get the flights sorted")
            await pilot.press("enter")
            await until(pilot, lambda: bool(app.query(".card")))
            assert "Book flights" in str(app.query(".card").first().render())
            await until(pilot, lambda: _titles(app) == ["Book flights"])

    run(scenario())


def test_reminders_upcoming_counts_only_future_ones(
    make_app: MakeApp, services: Services, user_id: int, clock: FixedClock
) -> None:
    services.reminders.add(user_id, "Already due", NOW + timedelta(minutes=1))
    services.reminders.add(user_id, "Later", NOW + timedelta(hours=2))
    clock.instant = NOW + timedelta(minutes=5)  # the first is past, not yet delivered

    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            table = app.query_one(ReminderTable)
            await until(pilot, lambda: table.row_count == 2)
            assert table.border_title == "Reminders · 1 upcoming"

    run(scenario())
