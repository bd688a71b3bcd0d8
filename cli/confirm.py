"""Echo and confirm an add the offline parser is unsure it read right.

`remind "call Bob Thu 15th"` asks `Remind "call Bob" on Thu 15 Aug 09:00 Europe/London? [y/N]`
when the parser has doubts; `--yes` accepts the reading without asking (for scripts), and
an explicit `--at`/`--due`/`--start` or `--raw` means nothing is guessed, so nothing is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from cli import context, render

Yes = Annotated[
    bool, typer.Option("--yes", "-y", help="Accept how the text is read without asking.")
]


def doubts(text: str, literal: bool) -> list[str]:
    """Why the reading of `text` may be wrong (the command already says what to create)."""
    if literal:
        return []
    from core.nlu.doubts import about_reading

    return about_reading(context.understand(text).doubts)


def ask(found: list[str], question: Callable[[], str], yes: bool) -> None:
    """Ask `question()` when there are doubts; a 'no' (or no answer) adds nothing, exit 1."""
    if not found or yes:
        return
    render.say(f"Not sure I read that right ({'; '.join(found)}).")
    proceed(question(), False, "Nothing added. Rephrase it, give the time with an option "
            "(e.g. --at '2026-12-01 10:00'), or add --yes to accept that reading.")


def title(text: str, slots: dict[str, Any]) -> str:
    return str(slots.get("title") or text).strip()


def moment(value: Any) -> str:
    return render.when(value) if value is not None else "no date"


def proceed(question: str, yes: bool, refusal: str) -> None:
    """Ask before a step that adds or replaces data; 'no', or no answer (a script that did not
    say --yes) stops it with `refusal` (exit 1)."""
    if yes:
        return
    from core.errors import UserError

    try:
        accepted = typer.confirm(question, default=False)
    except typer.Abort:  # end of input
        accepted = False
    if not accepted:
        raise UserError(refusal)
