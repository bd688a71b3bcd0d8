"""Work the warm parent does once so that no child repeats it: the few modules commands import
late, and the offline parser's regular expressions. All of it is pure: no settings, services,
connections or threads (the fork-safety rule), only modules and compiled patterns."""

from __future__ import annotations

import contextlib
import gc
import pkgutil
from importlib import import_module

# Imported late by settings, the TUI's driver and stream set-up (measured in a child).
MODULES = (
    "aurelius.config_file", "tomllib", "encodings.ascii", "tty", "textual.drivers.linux_driver",
    "textual._xterm_parser", "textual._keyboard_protocol", "textual.drivers._writer_thread",
)


def preheat() -> None:
    for name in MODULES:
        with contextlib.suppress(ImportError):  # a platform without that driver
            import_module(name)
    _compile_parser_patterns()


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
