"""Tasks: add, list by urgency, complete (spawning recurrences), edit, remove, undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core import recurrence
from core.db import Database
from core.errors import Invalid, NotFound
from core.models import Task
from core.models.task import DONE, PENDING
from core.ports import Clock
from core.services import journal, urgency
from core.services.users import user_timezone
from core.services.views import TaskView
from core.timeutil import local_today

ENTITY = "task"
_UNSET: Any = object()


@dataclass(frozen=True)
class TaskFilter:
    status: str | None = PENDING
    overdue: bool = False
    today: bool = False
    tag: str | None = None
    project: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class Completion:
    done: TaskView
    next: TaskView | None


class TaskRow(NamedTuple):
    """The columns a listing reads, named as on `Task`."""

    id: int
    title: str
    status: str
    priority: int
    due_date: date | None
    due_at: datetime | None
    timezone: str
    tags: list[str]
    project: str | None
    recurrence: str | None
    notes: str
    completed_at: datetime | None
    created_at: datetime


class TaskService:
    def __init__(self, db: Database, clock: Clock, weights: urgency.UrgencyCoefficients) -> None:
        self.db = db
        self.clock = clock
        self.weights = weights

    def add(
        self,
        user_id: int,
        title: str,
        *,
        due: date | datetime | None = None,
        priority: int = 4,
        tags: list[str] | tuple[str, ...] = (),
        project: str | None = None,
        recurrence_rule: str | None = None,
        notes: str = "",
    ) -> TaskView:
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
            task = Task(
                user_id=user_id,
                title=_title(title),
                notes=notes,
                timezone=tz,
                priority=_priority(priority),
                tags=_tags(tags),
                project=project or None,
            )
            _set_due(task, due)
            _set_recurrence(task, recurrence_rule, tz)
            session.add(task)
            session.flush()
            journal.record(session, user_id, ENTITY, task.id, "add", after=journal.snapshot(task))
            return self._view(task)

    def get(self, user_id: int, task_id: int) -> TaskView:
        with self.db.transaction() as session:
            return self._view(_owned(session, user_id, task_id))

    def ranked(self, user_id: int, where: TaskFilter | None = None) -> list[TaskView]:
        """Tasks matching `where`, most urgent first."""
        where = where or TaskFilter()
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
            # Plain tuples, not ORM objects: a listing reads every pending task, and a
            # thousand tracked instances (or SQLAlchemy rows) cost more than the rest of it.
            rows = [TaskRow._make(row) for row in session.execute(_query(user_id, where))]
        now = self.clock.now()
        today = local_today(now, tz)
        views = [self._view(row, now) for row in rows]
        matching = [view for view in views if _matches(view, where, today, now)]
        return sorted(matching, key=lambda view: (-view.urgency, view.id))

    def next(self, user_id: int) -> TaskView | None:
        ranked = self.ranked(user_id)
        return ranked[0] if ranked else None

    def complete(self, user_id: int, task_id: int) -> Completion:
        with self.db.transaction() as session:
            task = _owned(session, user_id, task_id)
            if task.status == DONE:
                raise Invalid(f"Task #{task_id} is already done.")
            before = journal.snapshot(task)
            task.status, task.completed_at = DONE, self.clock.now()
            spawned = self._spawn_next(session, task)
            after = {**journal.snapshot(task), "spawned_id": spawned.id if spawned else None}
            journal.record(session, user_id, ENTITY, task.id, "complete", before, after)
            return Completion(self._view(task), self._view(spawned) if spawned else None)

    def edit(
        self,
        user_id: int,
        task_id: int,
        *,
        title: str | None = None,
        due: date | datetime | None = _UNSET,
        priority: int | None = None,
        tags: list[str] | None = None,
        project: str | None = _UNSET,
        recurrence_rule: str | None = _UNSET,
        notes: str | None = None,
    ) -> TaskView:
        """Change the given fields; pass `due=None` (etc.) to clear one."""
        with self.db.transaction() as session:
            task = _owned(session, user_id, task_id)
            before = journal.snapshot(task)
            if title is not None:
                task.title = _title(title)
            if due is not _UNSET:
                _set_due(task, due)
            if priority is not None:
                task.priority = _priority(priority)
            if tags is not None:
                task.tags = _tags(tags)
            if project is not _UNSET:
                task.project = project or None
            if recurrence_rule is not _UNSET:
                _set_recurrence(task, recurrence_rule, task.timezone)
            if notes is not None:
                task.notes = notes
            journal.record(
                session, user_id, ENTITY, task.id, "edit", before, journal.snapshot(task)
            )
            return self._view(task)

    def remove(self, user_id: int, task_id: int) -> TaskView:
        with self.db.transaction() as session:
            task = _owned(session, user_id, task_id)
            view = self._view(task)
            journal.record(session, user_id, ENTITY, task.id, "remove", journal.snapshot(task))
            session.delete(task)
            return view

    def undo(self, user_id: int) -> str:
        """Revert the last task change not yet undone; say what was reverted."""
        with self.db.transaction() as session:
            entry = journal.last_undoable(session, user_id, ENTITY)
            if entry is None:
                raise Invalid("Nothing to undo.")
            task = session.get(Task, entry.entity_id)
            if entry.action == "add" and task is not None:
                session.delete(task)
            elif entry.action == "remove" and entry.before is not None:
                task = Task()
                journal.restore(task, entry.before)
                session.add(task)
            elif task is not None and entry.before is not None:
                journal.restore(task, entry.before)
                spawned_id = (entry.after or {}).get("spawned_id")
                spawned = session.get(Task, spawned_id) if spawned_id else None
                if spawned is not None:
                    session.delete(spawned)
            journal.mark_undone(session, entry)
            title = (entry.before or entry.after or {}).get("title", "")
            return f"Undid {entry.action} of task #{entry.entity_id} {title!r}."

    def _spawn_next(self, session: Session, task: Task) -> Task | None:
        due = _due(task)
        if not task.recurrence or due is None:
            return None
        today = local_today(self.clock.now(), task.timezone)
        following = recurrence.next_due(task.recurrence, due, task.timezone, today)
        if following is None:
            return None
        spawned = Task(
            user_id=task.user_id,
            title=task.title,
            notes=task.notes,
            priority=task.priority,
            tags=list(task.tags),
            project=task.project,
            timezone=task.timezone,
            recurrence=task.recurrence,
            parent_id=task.parent_id or task.id,
        )
        _set_due(spawned, following)
        session.add(spawned)
        session.flush()
        return spawned

    def _view(self, task: Task | TaskRow, now: datetime | None = None) -> TaskView:
        now = now or self.clock.now()
        due = _due(task)
        terms = urgency.terms(
            priority=task.priority,
            due=due,
            tags=task.tags,
            project=task.project,
            created_at=task.created_at or now,
            now=now,
            tz_name=task.timezone,
            weights=self.weights,
        )
        score = 0.0 if task.status == DONE else round(sum(t.contribution for t in terms), 2)
        return TaskView(
            id=task.id,
            title=task.title,
            status=task.status,
            priority=task.priority,
            due=due,
            tags=list(task.tags),
            project=task.project,
            recurrence=task.recurrence,
            timezone=task.timezone,
            notes=task.notes,
            created_at=task.created_at or now,
            completed_at=task.completed_at,
            urgency=score,
            urgency_terms=terms,
        )


def _query(user_id: int, where: TaskFilter) -> Any:
    query = select(*(Task.__table__.c[name] for name in TaskRow._fields))
    query = query.where(Task.user_id == user_id)
    if where.status:
        query = query.where(Task.status == where.status)
    if where.search:
        needle = f"%{where.search.lower()}%"
        query = query.where(
            or_(func.lower(Task.title).like(needle), func.lower(Task.notes).like(needle))
        )
    return query


def _matches(view: TaskView, where: TaskFilter, today: date, now: datetime) -> bool:
    if where.tag and where.tag.lstrip("#@").lower() not in view.tags:
        return False
    if where.project and (view.project or "").lower() != where.project.lower():
        return False
    if where.overdue and not _is_overdue(view.due, today, now):
        return False
    return not where.today or _due_day(view) == today


def _is_overdue(due: date | datetime | None, today: date, now: datetime) -> bool:
    if isinstance(due, datetime):
        return due < now
    return due is not None and due < today


def _due_day(view: TaskView) -> date | None:
    from core.timeutil import zone

    if isinstance(view.due, datetime):
        return view.due.astimezone(zone(view.timezone)).date()
    return view.due


def _owned(session: Session, user_id: int, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.user_id != user_id:
        raise NotFound(f"No task #{task_id}. See `aurelius task list` for the ids.")
    return task


def _due(task: Task | TaskRow) -> date | datetime | None:
    if task.due_at is not None:
        from core.timeutil import zone

        return task.due_at.astimezone(zone(task.timezone))
    return task.due_date


def _set_due(task: Task, due: date | datetime | None) -> None:
    if isinstance(due, datetime):
        if due.tzinfo is None:
            raise Invalid("A due time needs a zone.")
        task.due_at, task.due_date = due, None
    else:
        task.due_at, task.due_date = None, due


def _set_recurrence(task: Task, rule: str | None, tz: str) -> None:
    if rule:
        anchor = _due(task)
        if anchor is None:
            raise Invalid("A repeating task needs a due date; add --due.")
        rule = recurrence.validate(rule, "task", anchor)
    task.recurrence = rule or None


def _title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise Invalid("A task needs a title.")
    return cleaned


def _priority(priority: int) -> int:
    if priority not in (1, 2, 3, 4):
        raise Invalid(f"Priority {priority} is out of range; use 1 (highest) to 4 (lowest).")
    return priority


def _tags(tags: list[str] | tuple[str, ...]) -> list[str]:
    return sorted({tag.strip().lstrip("#@").lower() for tag in tags if tag.strip("#@ ")})
