"""Text that is safe to show: control characters made visible before any door prints them.

A task title or an imported SUMMARY can carry terminal escape sequences (OSC sets the
window title, CSI clears the screen) or bidirectional overrides that reorder what a person
reads. Every door (CLI, TUI, notifications, Slack, Telegram) passes stored text through
`printable` before showing it. Offending characters become `\\uXXXX`: the person sees that
something odd is there, nothing is executed, and inside a JSON string the escape is still
valid JSON for the same character.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, the C1 block (0x9b is an 8-bit CSI), the
# bidirectional embeddings/overrides/isolates, and the line/paragraph separators.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_MULTILINE = re.compile(f"[{_UNSAFE}]")
_ONE_LINE = re.compile(f"[{_UNSAFE}\t\n]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character escaped; with `one_line` (table cells, titles)
    tabs and newlines are escaped too, so a value cannot break the layout around it."""
    pattern = _ONE_LINE if one_line else _MULTILINE
    return pattern.sub(_escaped, text)
