"""The Typer application shared by every command module: one error path and plain help.

Every failure a person can meet ends as ONE line on stderr: a mistake in a value or an
expected failure (see `aurelius.failures`) exits 1; a malformed command line (unknown option,
missing argument) exits 2 and points at `--help`. Anything else is a bug: one line saying so,
and the traceback only with AURELIUS_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

try:  # Typer >= 0.20 ships its own copy of Click
    from typer._click.exceptions import BadParameter, MissingParameter, UsageError
except ImportError:  # pragma: no cover - older Typer on real Click
    from click.exceptions import BadParameter, MissingParameter, UsageError  # type: ignore[assignment]

DEBUG_VARIABLE = "AURELIUS_DEBUG"
LARGEST = 2**63 - 1  # the largest id or count the databases store


def fail(message: str, code: int = 1) -> None:
    """Print `Error: message` (one line, secrets masked) and exit with `code`."""
    tell(message)
    raise typer.Exit(code)


def tell(message: str) -> None:
    from core.redaction import mask_credentials
    from core.sanitize import printable

    typer.echo(f"Error: {printable(' '.join(mask_credentials(message).split()))}", err=True)


class AureliusGroup(TyperGroup):
    """Turns every failure into one line and an exit status, never a traceback."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_params(super().get_params(ctx))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, UsageError, KeyboardInterrupt, EOFError):
            raise
        except Exception as error:
            _report(error)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        words = list(sys.argv[1:] if args is None else args)
        try:
            _check_text(words)
            result = super().main(words, prog_name, complete_var, False, windows_expand_args,
                                  **extra)
        except UsageError as error:
            result = _usage(error)
        except typer.Exit as stop:
            result = stop.exit_code
        except typer.Abort:
            typer.echo("Aborted.", err=True)
            result = 1
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


class AddByDefaultGroup(AureliusGroup):
    """A group where free text means `add`: `aurelius remind "call mom in 2 hours"`."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["add", *args]
        return super().resolve_command(ctx, args)


class AureliusCommand(TyperCommand):
    """A command whose help names values as people do (TEXT, N, PATH), not Python types."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_params(super().get_params(ctx))

    def invoke(self, ctx: Any) -> Any:
        for param in self.get_params(ctx):
            _check_bounds(param, ctx.params.get(param.name))
        return super().invoke(ctx)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(_usage_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class AureliusTyper(typer.Typer):
    """A Typer app whose commands are `AureliusCommand`s."""

    def command(self, name: str | None = None, *, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(name, cls=cls or AureliusCommand, **kwargs)


def group(help_text: str, *, add_by_default: bool = False) -> typer.Typer:
    return AureliusTyper(
        help=help_text,
        cls=AddByDefaultGroup if add_by_default else AureliusGroup,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )


def _report(error: Exception) -> None:
    from aurelius.failures import explain, unexpected

    line = explain(error)
    if line is None and os.environ.get(DEBUG_VARIABLE):
        raise error
    fail(line or unexpected(error, DEBUG_VARIABLE))


def _check_text(words: list[str]) -> None:
    """Arguments are decoded with surrogate escapes; bytes that are not UTF-8 stop here."""
    for number, word in enumerate(words, start=1):
        if any("\udc80" <= char <= "\udcff" for char in word):
            fail(f"Argument {number} is not valid UTF-8 text; retype it.")


def _check_bounds(param: Any, value: Any) -> None:
    """Whole numbers (ids, counts) must fit the database's 64-bit integers."""
    values = value if isinstance(value, list | tuple) else [value]
    if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > LARGEST for v in values):
        fail(f"{_display_name(param)}: that number is too large; it must be at most {LARGEST}.")


def _usage(error: UsageError) -> int:
    """A bad value exits 1 with what would be accepted; a malformed command line exits 2."""
    from typer._click.exceptions import NoArgsIsHelpError

    if isinstance(error, NoArgsIsHelpError):
        error.show()
        return error.exit_code
    if isinstance(error, BadParameter) and not isinstance(error, MissingParameter):
        return _bad_value(error)
    where = f" See `{error.ctx.command_path} --help`." if error.ctx else ""
    tell(f"{_sentence(error.format_message())}{where}")
    return 2


def _bad_value(error: BadParameter) -> int:
    param = error.param
    name = _display_name(param) if param is not None else error.param_hint
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        reason = f"must be a whole number from {low} to {high}"
    else:
        reason = _plain_reason(error.message)
    tell(f"{name}: {reason}." if name else _sentence(reason))
    return 1


def _plain_reason(message: str) -> str:
    """Pydantic's wording ("Input should be ..., unable to parse ...") said plainly."""
    text = message.split(", unable", 1)[0].replace("Value error, ", "")
    return text.replace("Input should be", "must be").rstrip(".")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _display_name(param: Any) -> str:
    longest = [opt for opt in getattr(param, "opts", []) if opt.startswith("--")]
    return str(longest[0] if longest and not isinstance(param, TyperArgument) else param.metavar)


class _PlainArgument(TyperArgument):
    """An argument's name already says what it is (TITLE, PATH): no type tag beside it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _plain_params(params: list[Any]) -> list[Any]:
    """Typer builds the parameters; only how help names their values changes here."""
    for param in params:
        if param.metavar is None:
            param.metavar = _label(param)
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument
    return params


def _label(param: Any) -> str:
    if isinstance(param, TyperArgument):
        return str(param.name).upper()
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""  # a flag takes no value: nothing to name
    descriptor = param.type_descriptor
    if descriptor.is_choice and descriptor.choices:
        return "|".join(str(getattr(c, "value", c)) for c in descriptor.choices)
    annotation = descriptor.annotation
    return {int: "N", float: "NUMBER"}.get(annotation, "PATH" if descriptor.is_path else "TEXT")


def _usage_name(param: TyperArgument) -> str:
    name = str(param.metavar) + ("..." if param.nargs != 1 else "")
    return name if param.required else f"[{name}]"
