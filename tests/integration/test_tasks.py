"""Task service on real databases: urgency order, filters, recurrence, undo, zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aurelius.bootstrap import Services
from core.errors import Invalid, NotFound
from core.services.tasks import TaskFilter
from core.timeutil import localize
from tests.conftest import NOW, ZONE


def test_add_and_list_sorted_by_urgency(services: Services, user_id: int) -> None:
    tasks = services.tasks
    tasks.add(user_id, "Someday", priority=4)
    tasks.add(
        user_id, "Renew passport", due=date(2026, 3, 12), priority=2, tags=["admin"], project="home"
    )
    tasks.add(user_id, "Overdue report", due=date(2026, 3, 1), priority=3)
    titles = [task.title for task in tasks.ranked(user_id)]
    assert titles == ["Overdue report", "Renew passport", "Someday"]


def test_urgency_terms_explain_the_score(services: Services, user_id: int) -> None:
    task = services.tasks.add(
        user_id, "Pay rent", due=date(2026, 3, 10), priority=1, tags=["money"], project="home"
    )
    terms = {term.name: term for term in task.urgency_terms}
    assert set(terms) == {"due", "priority", "tags", "project"}
    assert terms["priority"].contribution == pytest.approx(6.0)
    assert terms["tags"].factor == pytest.approx(0.8)
    # due at the end of today: 15 hours ahead, so ~ (14 - 0.625) * 0.8 / 21 + 0.2
    assert terms["due"].factor == pytest.approx((14 - 15 / 24) * 0.8 / 21 + 0.2, abs=1e-3)
    assert task.urgency == pytest.approx(sum(t.contribution for t in task.urgency_terms), abs=0.01)


def test_filters(services: Services, user_id: int) -> None:
    tasks = services.tasks
    tasks.add(user_id, "Renew passport", due=date(2026, 3, 10), tags=["admin"], project="home")
    tasks.add(user_id, "Old bill", due=date(2026, 3, 2), tags=["money"])
    tasks.add(user_id, "Call at noon", due=localize(datetime(2026, 3, 10, 12), ZONE))
    tasks.add(user_id, "Plan trip", project="travel", notes="passport photos")

    def titles(**where: object) -> set[str]:
        return {t.title for t in tasks.ranked(user_id, TaskFilter(**where))}  # type: ignore[arg-type]

    assert titles(overdue=True) == {"Old bill"}
    assert titles(today=True) == {"Renew passport", "Call at noon"}
    assert titles(tag="#admin") == {"Renew passport"}
    assert titles(project="HOME") == {"Renew passport"}
    assert titles(search="PASSPORT") == {"Renew passport", "Plan trip"}


def test_complete_recurring_spawns_next_occurrence(services: Services, user_id: int) -> None:
    task = services.tasks.add(
        user_id, "Water plants", due=date(2026, 3, 12), recurrence_rule="FREQ=WEEKLY;BYDAY=TH"
    )
    completion = services.tasks.complete(user_id, task.id)
    assert completion.done.status == "done"
    assert completion.next is not None
    assert completion.next.due == date(2026, 3, 19)
    assert completion.next.recurrence == "FREQ=WEEKLY;BYDAY=TH"


def test_late_completion_skips_missed_occurrences(services: Services, user_id: int) -> None:
    task = services.tasks.add(
        user_id, "Daily standup notes", due=date(2026, 3, 1), recurrence_rule="FREQ=DAILY"
    )
    completion = services.tasks.complete(user_id, task.id)
    assert completion.next is not None and completion.next.due == date(2026, 3, 10)


def test_recurring_timed_task_keeps_wall_time_across_dst(services: Services, user_id: int) -> None:
    due = localize(datetime(2026, 3, 28, 8, 0), ZONE)  # Saturday before clocks go forward
    task = services.tasks.add(user_id, "Morning run", due=due, recurrence_rule="FREQ=DAILY")
    services.clock.instant = due  # type: ignore[attr-defined]
    following = services.tasks.complete(user_id, task.id).next
    assert following is not None and isinstance(following.due, datetime)
    assert following.due.hour == 8 and following.due.utcoffset() == timedelta(hours=2)
    assert following.due.astimezone(UTC) - due.astimezone(UTC) == timedelta(hours=23)


def test_undo_reverts_complete_edit_remove_and_add(services: Services, user_id: int) -> None:
    tasks = services.tasks
    task = tasks.add(user_id, "Water plants", due=date(2026, 3, 12), recurrence_rule="FREQ=WEEKLY")
    tasks.complete(user_id, task.id)
    assert "complete" in tasks.undo(user_id)
    assert [(t.id, t.status) for t in tasks.ranked(user_id)] == [(task.id, "pending")]

    tasks.edit(user_id, task.id, title="Water the plants", priority=2)
    tasks.undo(user_id)
    assert tasks.get(user_id, task.id).title == "Water plants"

    tasks.remove(user_id, task.id)
    assert tasks.ranked(user_id) == []
    tasks.undo(user_id)
    restored = tasks.get(user_id, task.id)
    assert restored.due == date(2026, 3, 12) and restored.recurrence == "FREQ=WEEKLY"

    tasks.undo(user_id)  # the original add
    with pytest.raises(NotFound):
        tasks.get(user_id, task.id)
    with pytest.raises(Invalid, match="Nothing to undo"):
        tasks.undo(user_id)


def test_edit_clears_and_sets_fields(services: Services, user_id: int) -> None:
    task = services.tasks.add(user_id, "Draft", due=date(2026, 3, 12), project="work")
    due = localize(datetime(2026, 3, 12, 9), ZONE)
    edited = services.tasks.edit(user_id, task.id, due=due, project=None, tags=["#Writing"])
    assert edited.due == due and edited.project is None and edited.tags == ["writing"]
    assert services.tasks.edit(user_id, task.id, due=None).due is None


def test_bad_input_is_rejected(services: Services, user_id: int) -> None:
    with pytest.raises(Invalid, match="title"):
        services.tasks.add(user_id, "   ")
    with pytest.raises(Invalid, match="Priority"):
        services.tasks.add(user_id, "x", priority=7)
    with pytest.raises(Invalid, match="repeat rule"):
        services.tasks.add(user_id, "x", due=date(2026, 3, 12), recurrence_rule="FREQ=SOMETIMES")
    with pytest.raises(Invalid, match="due date"):
        services.tasks.add(user_id, "x", recurrence_rule="FREQ=DAILY")
    with pytest.raises(NotFound):
        services.tasks.complete(user_id, 999)


def test_users_cannot_see_each_others_tasks(services: Services, user_id: int) -> None:
    other = services.users.ensure("telegram", "42", "Someone", "UTC")
    task = services.tasks.add(other, "Private")
    assert services.tasks.ranked(user_id) == []
    with pytest.raises(NotFound):
        services.tasks.complete(user_id, task.id)


def test_now_is_the_fixed_clock(services: Services) -> None:
    assert services.clock.now() == NOW
