"""`aurelius task …`: add, list, done, edit, undo, rm, next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import confirm, context, render
from cli.app import group

if TYPE_CHECKING:
    from core.services.views import TaskView

app = group("Tasks: add, list by urgency, complete, edit, undo.")

Due = Annotated[
    str | None,
    typer.Option("--due", "-d", help="Due date or time, e.g. 2026-12-01 or '2026-12-03 09:00'."),
]
Priority = Annotated[
    int | None, typer.Option("--priority", "-p", min=1, max=4, help="1 (highest) to 4.")
]
Tags = Annotated[list[str] | None, typer.Option("--tag", "-t", help="A tag; repeat for more.")]
Project = Annotated[str | None, typer.Option("--project", "-P", help="Project name.")]
Repeat = Annotated[
    str | None, typer.Option("--repeat", "-r", help="Repeat rule, e.g. FREQ=WEEKLY;BYDAY=MO.")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Raw = Annotated[bool, typer.Option("--raw", help="Take the text literally; do not look for dates.")]


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="e.g. 'Buy milk tomorrow p1 #errands'.")],
    due: Due = None,
    priority: Priority = None,
    tag: Tags = None,
    project: Project = None,
    repeat: Repeat = None,
    notes: Annotated[str, typer.Option(help="Free-form notes.")] = "",
    raw: Raw = False,
    as_json: Json = False,
    yes: confirm.Yes = False,
) -> None:
    """Add a task; dates, p1-p4, #tags and 'project X' in the text are understood."""
    from core.services.capture import first_time

    literal = raw or due is not None
    read = context.slots(
        title,
        literal,
        due=context.when(due) if due else None,
        priority=priority,
        project=project,
        recurrence=context.repeat(repeat),
    )
    read["tags"] = [*(tag or []), *read.get("tags", [])]
    confirm.ask(confirm.doubts(title, literal), lambda: f'Add task "{confirm.title(title, read)}" '
                f"due {confirm.moment(first_time(read, 'due', 'remind_at', 'start'))}?", yes)
    task = context.services().capture.task(context.user_id(), title, read, notes)
    _confirm("Added", task, as_json)


@app.command("list")
def list_(
    overdue: Annotated[bool, typer.Option(help="Only overdue tasks.")] = False,
    today: Annotated[bool, typer.Option(help="Only tasks due today.")] = False,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only this tag.")] = None,
    project: Project = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Text in title or notes.")
    ] = None,
    done: Annotated[bool, typer.Option(help="Completed tasks instead.")] = False,
    explain: Annotated[bool, typer.Option(help="Show the urgency terms.")] = False,
    as_json: Json = False,
) -> None:
    """List tasks, most urgent first."""
    from core.services.tasks import TaskFilter

    where = TaskFilter(
        status="done" if done else "pending",
        overdue=overdue,
        today=today,
        tag=tag,
        project=project,
        search=search,
    )
    tasks = context.services().tasks.ranked(context.user_id(), where)
    if as_json:
        render.print_json(tasks)
        return
    columns = ["ID", "P", "Title", "Due", "Tags", "Project", "Urgency"]
    render.table(
        f"Tasks ({context.timezone()})",
        columns + (["Why"] if explain else []),
        (_row(task, explain) for task in tasks),
        "No tasks match.",
    )


@app.command("next")
def next_(as_json: Json = False) -> None:
    """The most urgent task, and why."""
    task = context.services().tasks.next(context.user_id())
    if task is None:
        render.say("Nothing to do. Add a task with `aurelius task add`.")
    elif as_json:
        render.print_json(task)
    else:
        render.say(
            f"#{task.id} {task.title}" + (f" (due {render.when(task.due)})" if task.due else "")
        )
        render.say(f"Urgency {task.urgency:.2f} = " + _why(task))


@app.command("done")
def done(task_ids: Annotated[list[int], typer.Argument(help="Task id(s).")]) -> None:
    """Complete tasks; a repeating task gets its next occurrence."""
    for task_id in task_ids:
        completion = context.services().tasks.complete(context.user_id(), task_id)
        render.say(f"Completed #{completion.done.id} {completion.done.title}.")
        if completion.next:
            render.say(f"Next: #{completion.next.id} due {render.when(completion.next.due)}.")


@app.command("edit")
def edit(
    task_id: int,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    due: Due = None,
    no_due: Annotated[bool, typer.Option("--no-due", help="Remove the due date.")] = False,
    priority: Priority = None,
    tag: Tags = None,
    project: Project = None,
    repeat: Repeat = None,
    no_repeat: Annotated[bool, typer.Option("--no-repeat", help="Stop repeating.")] = False,
    notes: Annotated[str | None, typer.Option(help="Replace the notes.")] = None,
    as_json: Json = False,
) -> None:
    """Change a task."""
    changes: dict[str, Any] = {"title": title, "priority": priority, "tags": tag, "notes": notes}
    if due or no_due:
        changes["due"] = None if no_due else context.when(due or "")
    if project is not None:
        changes["project"] = project
    if repeat or no_repeat:
        changes["recurrence_rule"] = None if no_repeat else context.repeat(repeat)
    task = context.services().tasks.edit(context.user_id(), task_id, **changes)
    _confirm("Updated", task, as_json)


@app.command("rm")
def remove(task_id: int) -> None:
    """Delete a task (`aurelius task undo` brings it back)."""
    task = context.services().tasks.remove(context.user_id(), task_id)
    render.say(f"Deleted #{task.id} {task.title}. Undo with `aurelius task undo`.")


@app.command("undo")
def undo() -> None:
    """Revert the last task change."""
    render.say(context.services().tasks.undo(context.user_id()))


def _confirm(verb: str, task: TaskView, as_json: bool) -> None:
    if as_json:
        render.print_json(task)
        return
    parts = [f"{verb} #{task.id} {task.title}"]
    if task.due:
        parts.append(f"due {render.when(task.due)}")
    if task.recurrence:
        parts.append(f"repeats {task.recurrence}")
    render.say(", ".join(parts) + ".")


def _row(task: TaskView, explain: bool) -> list[str]:
    row = [
        str(task.id),
        f"p{task.priority}",
        task.title,
        render.when(task.due, zone=False),
        " ".join(f"#{tag}" for tag in task.tags),
        task.project or "",
        f"{task.urgency:.1f}",
    ]
    return row + ([_why(task, detail=False)] if explain else [])


def _why(task: TaskView, detail: bool = True) -> str:
    shown = [t for t in task.urgency_terms if round(t.contribution, 2) > 0]
    return (
        " + ".join(
            f"{t.name} {t.contribution:.2f}"
            + (f" ({t.factor:.2f}×{t.coefficient:g})" if detail else "")
            for t in shown
        )
        or "nothing pressing"
    )
