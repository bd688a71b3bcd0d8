"""Regular expressions compiled on first use.

The CLI imports the parser for every `task add`, and compiling the parser's ~180 patterns
up front costs ~100 ms; most runs need only a few of them, so each pattern is compiled
the first time it is used and kept (the stdlib `re` cache is too small to rely on).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator


class Lazy:
    """A stand-in for `re.Pattern[str]` that compiles itself on first use."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def rx(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.fullmatch(text, pos, endpos)

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.rx.finditer(text, pos, endpos)

    def findall(self, text: str) -> list[str]:
        found: list[str] = self.rx.findall(text)
        return found

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.rx.sub(repl, text, count)


def lazy(pattern: str, flags: int = 0) -> Lazy:
    return Lazy(pattern, flags)
