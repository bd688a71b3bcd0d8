"""Modal forms: each validates inline and dismisses with plain values (never touches services).

A field that does not parse shows its message under the form and keeps the form open; the
app turns the returned values into a service call in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static

from cli.tui.inputs import TextInput
from cli.tui.safe import markup
from core.errors import AureliusError


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""


Check = Callable[[dict[str, str]], dict[str, Any]]


class FormScreen(ModalScreen[dict[str, Any] | None]):
    """A titled column of inputs; `check` turns the texts into values or raises."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: list[Field], check: Check) -> None:
        super().__init__(classes="form")
        self.form_title, self.fields, self.check = title, fields, check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"[b]{markup(self.form_title)}[/b]")
            for field in self.fields:
                yield Label(field.label)
                yield TextInput(field.value, placeholder=field.placeholder, id=f"f-{field.name}")
            yield Static("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit() if event.button.id == "save" else self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        texts = {f.name: self.query_one(f"#f-{f.name}", Input).value for f in self.fields}
        try:
            values = self.check(texts)
        except (AureliusError, ValueError) as error:
            self.query_one("#form-error", Static).update(f"[red]{markup(error)}[/]")
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[str | None]):
    """A question answered with one of a few buttons, e.g. this occurrence or all of them."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__(classes="form")
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(markup(self.question))
            with Horizontal(classes="buttons"):
                for key, label in self.choices:
                    yield Button(label, id=f"c-{key}")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        self.dismiss(button.removeprefix("c-") if button.startswith("c-") else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickScreen(ModalScreen[str | None]):
    """Pick one of a list (a project or tag view)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: list[str]) -> None:
        super().__init__(classes="form")
        self.pick_title, self.options = title, options

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"[b]{markup(self.pick_title)}[/b]")
            yield OptionList(*self.options or ["(none yet)"])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index] if self.options else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Reader:
    """Reads form texts in the user's zone and clock, with the CLI's own parsers."""

    def __init__(self, now: datetime, tz: str) -> None:
        self.now, self.tz = now, tz

    def when(self, text: str) -> date | datetime | None:
        from core.nlu.options import parse_when

        return parse_when(text, self.now, self.tz) if text.strip() else None

    def instant(self, text: str, label: str) -> datetime:
        value = self.when(text)
        if not isinstance(value, datetime):
            raise ValueError(f"{label} needs a time of day, e.g. 'friday 14:00'.")
        return value

    def day(self, text: str) -> date:
        value = self.when(text)
        if value is None:
            raise ValueError("Give a day, e.g. 'tomorrow' or '2026-03-20'.")
        return value.date() if isinstance(value, datetime) else value

    @staticmethod
    def duration(text: str) -> timedelta:
        from core.nlu.options import parse_duration

        return parse_duration(text)

    @staticmethod
    def priority(text: str) -> int:
        if text.strip().lstrip("pP") not in ("1", "2", "3", "4"):
            raise ValueError("Priority is 1 (highest) to 4 (lowest).")
        return int(text.strip().lstrip("pP"))

    @staticmethod
    def tags(text: str) -> list[str]:
        return [tag.lstrip("#") for tag in text.replace(",", " ").split() if tag.lstrip("#")]
