"""Quick-add: read a line with the offline parser, preview it, create what it means.

The same reading and defaults as `aurelius task add` / `cal add` / `remind add`, applied to
the services the TUI was built with (not the CLI's process-wide ones).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from cli.tui.safe import markup
from core.errors import Invalid

if TYPE_CHECKING:
    from aurelius.bootstrap import Services
    from core.nlu import Parsed

TIME_SLOTS = ("due", "start", "end", "remind_at")


def understand(services: Services, text: str) -> Parsed:
    from core.nlu import parse

    settings = services.settings
    return parse(text, services.clock.now(), settings.timezone, dayfirst=settings.dayfirst)


def kind_of(parsed: Parsed) -> str:
    """What Enter would create: the parser's intent, or a task for anything else."""
    from core.services.capture import kind_for

    return kind_for(parsed.intent)


def preview(services: Services, text: str) -> str:
    """One line saying how the text is understood, e.g. `task · due Wed 11 Mar 2026 · p1`."""
    from core.timeutil import format_when

    if not text.strip():
        return "Type a task, event or reminder, e.g. 'lunch with Sara friday 1pm for 90 minutes'"
    parsed = understand(services, text)
    tz = services.settings.timezone
    parts = [f"[b]{kind_of(parsed)}[/b] ({parsed.intent}, {parsed.confidence:.0%})"]
    parts.append(f"“{markup(parsed.slots.get('title') or text.strip())}”")
    for name in TIME_SLOTS:
        value = parsed.slots.get(name)
        if isinstance(value, date):
            parts.append(f"{name.replace('_', ' ')} {format_when(value, tz)}")
    parts.extend(_extras(parsed.slots))
    from core.nlu.doubts import about_reading

    doubts = about_reading(parsed.doubts)
    if doubts:  # Enter still adds it, but the user sees what may be misread first
        parts.append(f"[b]⚠ not sure:[/b] {'; '.join(doubts)}")
    return " · ".join(parts)


def _extras(slots: dict[str, Any]) -> list[str]:
    extras = []
    if slots.get("priority"):
        extras.append(f"p{slots['priority']}")
    if slots.get("tags"):
        extras.append(" ".join(f"#{tag}" for tag in slots["tags"]))
    if slots.get("project"):
        extras.append(f"project {slots['project']}")
    if slots.get("recurrence"):
        extras.append(f"repeats {slots['recurrence']}")
    return extras


def create(services: Services, user_id: int, text: str) -> str:
    """Create the task, event or reminder the text describes; say what was made."""
    if not text.strip():
        raise Invalid("Type something to add, e.g. 'Buy milk tomorrow p1'.")
    parsed = understand(services, text)
    made = services.capture.anything(
        user_id, text, parsed.intent, dict(parsed.slots), services.settings.timezone
    )
    return f"Added {kind_of(parsed)} #{made.id} {made.title}"
