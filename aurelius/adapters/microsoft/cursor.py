"""What Aurelius keeps between two delta rounds of one calendar (the stored sync cursor).

Graph's `@odata.deltaLink` alone is not enough: a deleted occurrence arrives as
`@removed` with only its id, and occurrence ids are opaque. So the cursor also keeps, per
series master, short digests of its occurrence ids in the window, to tell which series a
removal touched (about 9 bytes per occurrence). And it keeps the window itself, fixed when
the round began: a round older than `REANCHOR` is ended so a full sync moves the window.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.errors import CursorExpired

BACK = timedelta(days=365)  # the sync window: a year back ...
AHEAD = timedelta(days=730)  # ... to two years ahead of the full sync
REANCHOR = timedelta(days=30)
DIGEST = 8


def digest(remote_id: str) -> str:
    raw = hashlib.blake2b(remote_id.encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(raw).decode()


@dataclass
class Cursor:
    link: str
    start: datetime
    end: datetime
    series: dict[str, str] = field(default_factory=dict)  # master id → concatenated digests

    @classmethod
    def new(cls, now: datetime) -> Cursor:
        return cls("", now - BACK, now + AHEAD)

    @classmethod
    def load(cls, text: str, now: datetime) -> Cursor:
        try:
            data = json.loads(text)
            start, end = (datetime.fromisoformat(when) for when in data["window"])
            found = cls(str(data["link"]), start, end)
            found.series = {str(k): str(v) for k, v in data["series"].items()}
        except (ValueError, KeyError, TypeError):
            raise CursorExpired("The stored Microsoft sync state is unreadable.") from None
        if now - (found.start + BACK) > REANCHOR:
            raise CursorExpired("The Microsoft sync window has moved on.")
        return found

    def dump(self) -> str:
        window = [self.start.isoformat(), self.end.isoformat()]
        return json.dumps({"link": self.link, "window": window, "series": self.series})

    def remember(self, master_id: str, occurrence_ids: list[str]) -> None:
        self.series[master_id] = "".join(digest(i) for i in occurrence_ids)

    def owners(self) -> dict[str, str]:
        """Occurrence digest → the master it belongs to."""
        return {
            digests[at : at + DIGEST]: master
            for master, digests in self.series.items()
            for at in range(0, len(digests), DIGEST)
        }
