"""What the Google Calendar stand-in holds: calendars, events (deleted ones kept as
tombstones, as Google does), and a change log that makes sync tokens exact.

Every write (through the API or through the helpers tests call to play "someone edited it
in Google Calendar") takes the next sequence number and a new etag. A sync token names the
calendar and the number it was issued at; a listing with it returns exactly the events
written after that. `expire_tokens()` makes every token issued so far answer 410.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Item = dict[str, Any]
INSTANCE = re.compile(r"^(?P<master>[a-v0-9]{5,1024})_(?P<when>\d{8}(?:T\d{6}Z)?)$")


@dataclass
class GoogleCalendarState:
    tokens: set[str] = field(default_factory=set)
    calendars: dict[str, Item] = field(default_factory=dict)
    events: dict[str, dict[str, Item]] = field(default_factory=dict)
    written: dict[str, dict[str, int]] = field(default_factory=dict)  # calendar -> id -> seq
    pages: dict[str, tuple[list[Item], Item]] = field(default_factory=dict)
    seq: int = 0
    epoch: int = 0
    page_limit: int = 2500
    """Google may return fewer items than `maxResults` asks; tests lower this to page."""

    # --- helpers for tests (changes made "at Google") ------------------------------------

    def add_calendar(self, calendar_id: str, summary: str, access_role: str = "owner",
                     primary: bool = False, time_zone: str = "UTC",
                     colour: str = "#9fe1e7") -> Item:
        entry: Item = {
            "kind": "calendar#calendarListEntry",
            "etag": f'"{1700000000000 + len(self.calendars)}"',
            "id": calendar_id, "summary": summary, "timeZone": time_zone, "colorId": "14",
            "backgroundColor": colour, "foregroundColor": "#000000", "selected": True,
            "accessRole": access_role, "defaultReminders": [],
        }
        if primary:
            entry["primary"] = True
        self.calendars[calendar_id] = entry
        self.events.setdefault(calendar_id, {})
        self.written.setdefault(calendar_id, {})
        return entry

    def put(self, calendar_id: str, item: Item) -> Item:
        """Store `item` (new or replacing the one with its id) as a change."""
        item = dict(item)
        item.setdefault("id", uuid.uuid4().hex)
        item.setdefault("iCalUID", f"{item['id']}@google.com")
        item.setdefault("status", "confirmed")
        self.seq += 1
        item.update(kind="calendar#event", etag=f'"{3181161784712000 + self.seq}"',
                    updated=datetime.now(UTC).isoformat().replace("+00:00", "Z"))
        self.events[calendar_id][item["id"]] = item
        self.written[calendar_id][item["id"]] = self.seq
        return item

    def remove(self, calendar_id: str, event_id: str) -> None:
        """Delete an event (a series with all its instances), leaving tombstones."""
        for key, item in list(self.events[calendar_id].items()):
            if event_id in (key, item.get("recurringEventId")):
                kept: Item = {k: item[k] for k in ("id", "recurringEventId", "originalStartTime",
                                             "iCalUID") if k in item}
                self.put(calendar_id, {**kept, "status": "cancelled"})

    def expire_tokens(self) -> None:
        """Google invalidates sync tokens now and then (expiry, ACL changes)."""
        self.epoch += 1

    def live(self, calendar_id: str) -> list[Item]:
        return [e for e in self.events[calendar_id].values() if e.get("status") != "cancelled"]

    # --- sync tokens ---------------------------------------------------------------------

    def sync_token(self, calendar_id: str) -> str:
        raw = f"{self.epoch}|{self.seq}|{calendar_id}".encode()
        return base64.urlsafe_b64encode(raw).decode()

    def since(self, calendar_id: str, token: str) -> int | None:
        """The sequence number a token was issued at, or None when it is no longer valid."""
        try:
            epoch, seq, calendar = base64.urlsafe_b64decode(token).decode().split("|", 2)
        except ValueError:
            return None
        if calendar != calendar_id or int(epoch) != self.epoch:
            return None
        return int(seq)

    def changed_since(self, calendar_id: str, seq: int) -> list[Item]:
        written = self.written[calendar_id]
        return [e for key, e in self.events[calendar_id].items() if written[key] > seq]

    # --- instances -------------------------------------------------------------------------

    def instance(self, calendar_id: str, instance_id: str) -> Item | None:
        """The occurrence `{master}_{when}` of a live series, as Google would show it."""
        match = INSTANCE.match(instance_id)
        master = self.events[calendar_id].get(match["master"]) if match else None
        if match is None or master is None or not master.get("recurrence") \
                or master.get("status") == "cancelled":
            return None
        original = _original(match["when"], master)
        start = _moment(master["start"])
        end = _moment(master["end"])
        body = {k: v for k, v in master.items() if k not in ("recurrence", "etag", "updated")}
        body.update(id=instance_id, recurringEventId=master["id"], originalStartTime=original,
                    start=_shifted(original, end - start, master["start"], zero=True),
                    end=_shifted(original, end - start, master["start"]))
        return body


def _moment(value: Item) -> datetime:
    if "date" in value:
        return datetime.combine(date.fromisoformat(value["date"]), datetime.min.time(), UTC)
    return datetime.fromisoformat(value["dateTime"])


def _original(when: str, master: Item) -> Item:
    if "date" in master["start"]:
        return {"date": f"{when[:4]}-{when[4:6]}-{when[6:8]}"}
    zone = master["start"].get("timeZone", "UTC")
    moment = datetime.strptime(when, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return {"dateTime": moment.astimezone(ZoneInfo(zone)).isoformat(), "timeZone": zone}


def _shifted(original: Item, length: timedelta, like: Item, zero: bool = False) -> Item:
    if zero:
        return dict(original)
    if "date" in original:
        return {"date": (date.fromisoformat(original["date"]) + length).isoformat()}
    moment = datetime.fromisoformat(original["dateTime"]) + length
    return {"dateTime": moment.isoformat(), "timeZone": like.get("timeZone", "UTC")}
