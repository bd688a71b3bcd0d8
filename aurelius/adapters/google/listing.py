"""Turning the items of an events.list (all pages, `singleEvents=false`) into a `SyncBatch`.

With `singleEvents=false` Google lists a series once (its master, with `recurrence`) and
each moved, changed or cancelled occurrence as an instance of its own (`recurringEventId`).
Instances whose master came in the same listing become that master's overrides; the others
are `RemoteInstance`s for a series the engine already holds. A cancelled event that is not
an instance has been deleted. Malformed events are left out with one line each.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from aurelius.adapters.google.events import Item, event_from, override_from
from aurelius.adapters.google.recurrence import Malformed
from core.ports import RemoteEvent, RemoteInstance, RemoteOverride, SyncBatch

log = logging.getLogger(__name__)


def batch_of(items: list[Item], calendar_zone: str) -> SyncBatch:
    batch = SyncBatch()
    masters: dict[str, RemoteEvent] = {}
    broken: set[str] = set()
    for item in items:
        if item.get("recurringEventId"):
            continue
        if item.get("status") == "cancelled":
            batch.deleted.append(str(item["id"]))
            continue
        try:
            masters[str(item["id"])] = event_from(item, calendar_zone)
        except Malformed as exc:
            broken.add(str(item["id"]))
            _skip(batch, item, str(exc))
    found = _instances(items, masters, calendar_zone, batch, broken)
    batch.events = [_with(master, found.get(key, {})) for key, master in masters.items()]
    return batch


def recurring_masters(items: list[Item]) -> dict[str, str]:
    """Master id -> Google iCalUID of every live series in `items`."""
    return {
        str(item["id"]): str(item.get("iCalUID") or "")
        for item in items
        if item.get("recurrence") and item.get("iCalUID") and item.get("status") != "cancelled"
        and not item.get("recurringEventId")
    }


def _instances(items: list[Item], masters: dict[str, RemoteEvent], calendar_zone: str,
               batch: SyncBatch, broken: set[str]) -> dict[str, dict[datetime, RemoteOverride]]:
    found: dict[str, dict[datetime, RemoteOverride]] = {}
    gone = set(batch.deleted) | broken  # the occurrences of a skipped series go with it
    for item in items:
        series = str(item.get("recurringEventId") or "")
        if not series or series in gone:
            continue
        master = masters.get(series)
        try:
            override = override_from(item, master.timezone if master else calendar_zone)
        except Malformed as exc:
            _skip(batch, item, str(exc))
            continue
        if master is not None:
            found.setdefault(series, {})[override.occurrence_start] = override
        else:
            batch.instances.append(
                RemoteInstance(series, override, str(item["id"]), item.get("etag")))
    return found


def _with(master: RemoteEvent, instances: dict[datetime, RemoteOverride]) -> RemoteEvent:
    if not instances:
        return master
    # An instance says more than an EXDATE for the same occurrence: it wins.
    kept = [o for o in master.overrides if o.occurrence_start not in instances]
    return replace(master, overrides=(*kept, *instances.values()))


def _skip(batch: SyncBatch, item: Item, reason: str) -> None:
    title = str(item.get("summary") or "(untitled)")[:80]
    line = f"{title!r} ({str(item.get('id'))[:120]}): {reason}"
    log.warning("Google event skipped: %s", line)
    batch.skipped.append(line)
