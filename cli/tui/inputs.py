"""The one text input the TUI uses: an `Input` whose cursor blinks only when the app allows.

A blinking cursor is drawn on a 0.5 s timer, so a screenshot taken at an arbitrary moment shows
it on or off; tests (and people who dislike blinking) pin it still.
"""

from __future__ import annotations

from textual.widgets import Input


class TextInput(Input):
    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "cursor_blink", True))
