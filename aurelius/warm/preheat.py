"""Work the warm parent does once so that no child repeats it: the few modules commands import
late, and the offline parser's regular expressions. All of it is pure: no settings, services,
connections or threads (the fork-safety rule), only modules and compiled patterns."""

from __future__ import annotations

import contextlib
import gc
import pkgutil
from importlib import import_module
from typing import Any

# Imported late by settings, the TUI's driver and stream set-up (measured in a child).
MODULES = (
    "aurelius.config_file", "tomllib", "encodings.ascii", "tty", "textual.drivers.linux_driver",
    "textual._xterm_parser", "textual._keyboard_protocol", "textual.drivers._writer_thread",
)


def preheat(tree: Any) -> None:
    """`tree`: the entry point's Click command tree, as built once in the parent."""
    for name in MODULES:
        with contextlib.suppress(ImportError):  # a platform without that driver
            import_module(name)
    _compile_parser_patterns()
    _build_converters(tree)
    _prepare_sql()


def _build_converters(command: Any, parent: Any = None) -> None:
    """Typer builds each parameter's pydantic validator when a command first runs (~2 ms a
    parameter, ~20 ms of `task list`); they depend on the parameter alone, so build them all.
    The `--help` option is made (and kept) from a context made as `make_context` makes it."""
    settings = command.context_settings
    context = command.context_class(command, info_name=command.name, parent=parent, **settings)
    for parameter in command.get_params(context):
        if hasattr(parameter, "get_runtime_param"):
            parameter.get_runtime_param()
    for child in getattr(command, "commands", {}).values():
        _build_converters(child, context)


def _compile_parser_patterns() -> None:
    """The parser compiles its ~180 patterns on first use (~100 ms of `task add`): compile
    them all here, where the cost is paid once for every child."""
    import core.nlu
    from core.nlu.lazy import Lazy

    for module in pkgutil.iter_modules(core.nlu.__path__, "core.nlu."):
        import_module(module.name)
    for found in gc.get_objects():
        if isinstance(found, Lazy):
            found.rx  # noqa: B018 - compiled and kept on the object


def _prepare_sql() -> None:
    """SQLAlchemy builds its per-class cache-key and compiler code on first use, and parses a
    URL with a pattern the `re` cache then keeps: exercise both on detached dialects (no
    engine, no connection), so a child's first statements cost what later ones do."""
    from sqlalchemy import insert, select, update
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.engine import make_url

    from core.models.base import Base

    make_url("sqlite:///aurelius.db")
    for dialect in (sqlite.dialect(), postgresql.dialect()):  # type: ignore[no-untyped-call]
        for table in Base.metadata.sorted_tables:
            key = table.c[next(iter(table.c.keys()))]
            for statement in (select(table).where(key == 1).order_by(key).limit(1),
                              update(table).where(key == 1).values({key.name: 1}),
                              insert(table)):
                statement._generate_cache_key()
                statement.compile(dialect=dialect)
