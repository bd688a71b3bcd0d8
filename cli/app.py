"""The Typer application shared by every command module, and the error translation."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup


class AureliusGroup(TyperGroup):
    """Turns Aurelius errors into a one-line message and exit status 1, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        from core.errors import AureliusError
        from core.sanitize import printable

        try:
            return super().invoke(ctx)
        except AureliusError as error:
            typer.echo(f"Error: {printable(str(error))}", err=True)
            raise typer.Exit(1) from None


class AddByDefaultGroup(AureliusGroup):
    """A group where free text means `add`: `aurelius remind "call mom in 2 hours"`."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["add", *args]
        return super().resolve_command(ctx, args)


def group(help_text: str, *, add_by_default: bool = False) -> typer.Typer:
    return typer.Typer(
        help=help_text,
        cls=AddByDefaultGroup if add_by_default else AureliusGroup,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
