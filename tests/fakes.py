"""Fakes at core ports (not mocks): they behave like the real thing and keep a transcript."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from core.ports import Address, Note


@dataclass
class TranscriptNotifier:
    """Records every note it is asked to send; `failures` makes the next N sends raise."""

    sent: list[tuple[Address, Note]] = field(default_factory=list)
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, address: Address, note: Note) -> None:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("channel unavailable")
            self.sent.append((address, note))

    @property
    def titles(self) -> list[str]:
        return [note.title for _, note in self.sent]
