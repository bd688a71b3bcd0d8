"""Text from the database or the person, made safe for a Textual widget: control
characters escaped (`core.sanitize.printable`) and, where a widget reads Rich markup,
square brackets escaped so a title like `[red]` or `[/]` shows as typed."""

from __future__ import annotations

from rich.markup import escape

from core.sanitize import printable


def plain(text: object) -> str:
    """For widgets that do not read markup (`rich.text.Text` cells)."""
    return printable(str(text), one_line=True)


def markup(text: object) -> str:
    """For widgets that read markup (Static, Label, notifications); newlines are kept."""
    return escape(printable(str(text)))
