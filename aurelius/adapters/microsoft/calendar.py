"""Microsoft 365 / Outlook calendars through Microsoft Graph v1.0 (`CalendarSource`).

Pull: `GET /me/calendars/{id}/calendarView/delta` over a window (cursor.py) with
`Prefer: odata.maxpagesize`, following `@odata.nextLink` to the `@odata.deltaLink` kept as
the cursor; `@removed` entries are deletions; 410 Gone (or `syncStateNotFound` /
`resyncRequired`) raises `CursorExpired`. Series are rebuilt from their master and
occurrences (events.py); masters are read 20 to a `POST /$batch` (JSON batching), and on
an incremental round every touched series' occurrences are re-read (`/instances`).

Push: `POST /me/calendars/{id}/events` with a `transactionId` derived from the iCalUID
Aurelius chose (Graph returns the event already made for a retried create), `PATCH` and
`DELETE /me/events/{id}` with `If-Match` (412 → `EtagConflict`), occurrence overrides by
patching or deleting the occurrence found through `/instances`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aurelius.adapters.microsoft import events
from aurelius.adapters.microsoft.cursor import Cursor, digest
from aurelius.adapters.microsoft.graph_errors import GONE, check
from aurelius.adapters.provider_http import ProviderHttp
from core.errors import ProviderUnavailable
from core.ports import AccessTokens, RemoteCalendar, RemoteEvent, RemoteOverride, SyncBatch

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
GRAPH = "https://graph.microsoft.com"
PAGE = 100
BATCH = 20  # Graph's limit of requests in one JSON batch
READ = 'odata.maxpagesize={}, outlook.body-content-type="text"'
Json = dict[str, Any]


class MicrosoftCalendar:
    def __init__(
        self,
        tokens: AccessTokens,
        base_url: str | None = None,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        import httpx

        self.base = (base_url or GRAPH).rstrip("/")
        self.http = ProviderHttp(
            client or httpx.Client(timeout=30), tokens, "Microsoft", sleep=sleep
        )
        self.now = now
        self.page_size = PAGE

    # --- reading -------------------------------------------------------------------------

    def calendars(self) -> list[RemoteCalendar]:
        return [_calendar(item) for item in self._pages(f"{self.base}/v1.0/me/calendars", {})]

    def changes(self, calendar_id: str, cursor: str | None) -> SyncBatch:
        first = self.http.requests
        state = Cursor.load(cursor, self.now()) if cursor else Cursor.new(self.now())
        batch = SyncBatch(complete=cursor is None)
        items = list(self._delta(calendar_id, state))
        owners = state.owners()
        touched: dict[str, list[Json]] = defaultdict(list)
        for item in items:
            self._sort(item, batch, touched, owners)
        masters = self._masters(list(touched))
        for master_id, seen in touched.items():
            self._series(master_id, masters[master_id], None if cursor else seen, state, batch)
        _settle(batch)
        batch.cursor, batch.requests = state.dump(), self.http.requests - first
        return batch

    def _sort(
        self, item: Json, batch: SyncBatch, touched: dict[str, list[Json]], owners: dict[str, str]
    ) -> None:
        remote_id = str(item.get("id", ""))
        if "@removed" in item:
            master = owners.get(digest(remote_id))
            if master is not None:
                touched.setdefault(master, [])  # re-read that series whole
            else:
                batch.deleted.append(remote_id)
        elif item.get("seriesMasterId"):
            touched[str(item["seriesMasterId"])].append(item)
        elif item.get("isCancelled"):
            batch.deleted.append(remote_id)
        else:
            self._keep(remote_id, batch, lambda: events.single(item))

    def _series(
        self,
        master_id: str,
        master: Json | None,
        seen: list[Json] | None,
        state: Cursor,
        batch: SyncBatch,
    ) -> None:
        if master is None:  # the whole series is gone
            batch.deleted.append(master_id)
            state.series.pop(master_id, None)
            return
        if master.get("type") != "seriesMaster":  # no longer recurring: a single now
            state.series.pop(master_id, None)
            self._keep(master_id, batch, lambda: events.single(master))
            return
        if seen is None:
            seen = list(self._instances(master_id, state.start, state.end))
        state.remember(master_id, [str(i.get("id")) for i in seen])
        window = (state.start, state.end)
        self._keep(master_id, batch, lambda: events.series(master, seen, window))

    def _masters(self, ids: list[str]) -> dict[str, Json | None]:
        """The series masters (None for one gone), read BATCH at a time with JSON batching."""
        found: dict[str, Json | None] = {}
        for at in range(0, len(ids), BATCH):
            found.update(self._batch(ids[at : at + BATCH]))
        return found

    def _batch(self, ids: list[str]) -> dict[str, Json | None]:
        """One batch; a master the batch could not answer (throttled, failed) is read on its
        own, with retries."""
        asks = [self._ask(str(n), f"/me/events/{_path(i)}") for n, i in enumerate(ids)]
        answer = self._json("POST", f"{self.base}/v1.0/$batch", json={"requests": asks})
        replies = {str(r.get("id")): r for r in answer.get("responses") or []}
        found: dict[str, Json | None] = {}
        for n, master_id in enumerate(ids):
            reply = replies.get(str(n)) or {}
            if reply.get("status") == 200 and isinstance(reply.get("body"), dict):
                found[master_id] = reply["body"]
            elif reply.get("status") in GONE:
                found[master_id] = None
            else:
                found[master_id] = self._get(f"/v1.0/me/events/{_path(master_id)}", True)
        return found

    def _ask(self, ask_id: str, url: str) -> Json:
        return {"id": ask_id, "method": "GET", "url": url, "headers": {"Prefer": self._prefer}}

    def _keep(self, remote_id: str, batch: SyncBatch, build: Callable[[], RemoteEvent]) -> None:
        try:
            batch.events.append(build())
        except (events.Malformed, KeyError, TypeError) as exc:
            line = f"Microsoft event {remote_id[:60]}: {exc}"
            log.warning("skipped %s", line)
            batch.skipped.append(line)

    def _delta(self, calendar_id: str, state: Cursor) -> Iterator[Json]:
        url, params = state.link, {}
        if not url:
            url = f"{self.base}/v1.0/me/calendars/{_path(calendar_id)}/calendarView/delta"
            params = {"startDateTime": _iso(state.start), "endDateTime": _iso(state.end)}
        while True:
            page = self._json("GET", self._local(url), params=params, prefer=self._prefer)
            yield from page.get("value") or []
            params = {}
            if page.get("@odata.nextLink"):
                url = page["@odata.nextLink"]
            elif page.get("@odata.deltaLink"):
                state.link = self._local(page["@odata.deltaLink"])
                return
            else:
                raise ProviderUnavailable("Microsoft ended a delta round without a deltaLink.")

    def _instances(self, event_id: str, start: datetime, end: datetime) -> Iterator[Json]:
        params = {"startDateTime": _iso(start), "endDateTime": _iso(end)}
        return self._pages(f"{self.base}/v1.0/me/events/{_path(event_id)}/instances", params)

    def _pages(self, url: str, params: dict[str, str]) -> Iterator[Json]:
        while url:
            page = self._json("GET", self._local(url), params=params, prefer=self._prefer)
            yield from page.get("value") or []
            url, params = page.get("@odata.nextLink") or "", {}

    # --- writing -------------------------------------------------------------------------

    def create(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        body = {**events.to_graph(event), "transactionId": transaction_id(event.ical_uid)}
        made = self._json(
            "POST", f"{self.base}/v1.0/me/calendars/{_path(calendar_id)}/events", json=body
        )
        return self._settled(made, event)

    def update(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        url = f"{self.base}/v1.0/me/events/{_path(event.remote_id)}"
        made = self._json("PATCH", url, json=events.to_graph(event), etag=event.etag)
        return self._settled(made, event)

    def delete(self, calendar_id: str, remote_id: str, etag: str | None) -> None:
        self._json(
            "DELETE", f"{self.base}/v1.0/me/events/{_path(remote_id)}", etag=etag, missing_ok=True
        )

    def _settled(self, made: Json, event: RemoteEvent) -> RemoteEvent:
        """The event as stored, after its occurrence changes are written too."""
        remote_id = str(made["id"])
        if event.recurrence and event.overrides:
            self._write_overrides(remote_id, event)
            made = self._get(f"/v1.0/me/events/{_path(remote_id)}") or made
        return replace(
            event, remote_id=remote_id, ical_uid=str(made.get("iCalUId") or event.ical_uid),
            etag=events.etag_of(made),
        )  # fmt: skip

    def _write_overrides(self, remote_id: str, event: RemoteEvent) -> None:
        starts = [o.occurrence_start for o in event.overrides]
        span = (min(starts) - timedelta(days=1), max(starts) + timedelta(days=1))
        found = {
            events.original(i.get("originalStart"), event): str(i["id"])
            for i in self._instances(remote_id, *span)
            if i.get("originalStart")
        }
        for change in event.overrides:
            occurrence = found.get(change.occurrence_start.astimezone(UTC))
            if occurrence is not None:  # one already cancelled is not listed any more
                self._write_override(occurrence, change, event)

    def _write_override(self, occurrence: str, change: RemoteOverride, event: RemoteEvent) -> None:
        url = f"{self.base}/v1.0/me/events/{_path(occurrence)}"
        if change.cancelled:
            self._json("DELETE", url, missing_ok=True)
        elif body := events.override_body(change, event):
            self._json("PATCH", url, json=body)

    # --- plumbing ------------------------------------------------------------------------

    def _get(self, path: str, missing_ok: bool = False) -> Json | None:
        found = self._json("GET", f"{self.base}{path}", prefer=self._prefer, missing_ok=missing_ok)
        return found or None

    def _json(
        self, method: str, url: str, *, prefer: str | None = None, etag: str | None = None,
        missing_ok: bool = False, **options: Any,
    ) -> Json:  # fmt: skip
        if not options.get("params", True):
            del options["params"]  # httpx would drop the query a next/delta link carries
        headers = {"Prefer": prefer} if prefer else {}
        if etag:
            headers["If-Match"] = etag
        response = self.http.call(method, url, headers=headers, **options)
        if missing_ok and response.status_code in GONE:
            return {}
        check(response)
        return response.json() if response.content else {}

    @property
    def _prefer(self) -> str:
        return READ.format(self.page_size)

    def _local(self, link: str) -> str:
        """A link Graph handed back, on the configured base (tests, proxies)."""
        return self.base + link[len(GRAPH) :] if link.startswith(GRAPH + "/") else link


def _settle(batch: SyncBatch) -> None:
    """One entry per event, and an id both removed and present (a single that became a
    series, or the reverse, in one round) is present."""
    batch.events = list({event.remote_id: event for event in batch.events}.values())
    present = {event.remote_id for event in batch.events}
    batch.deleted = [i for i in dict.fromkeys(batch.deleted) if i not in present]


def _path(remote_id: str) -> str:
    return quote(remote_id, safe="")


def _calendar(item: Json) -> RemoteCalendar:
    return RemoteCalendar(
        remote_id=str(item["id"]),
        name=str(item.get("name") or "Calendar"),
        colour=item.get("hexColor") or None,  # "" when Outlook picks the colour itself
        writable=bool(item.get("canEdit", True)),
        primary=bool(item.get("isDefaultCalendar")),
    )


def transaction_id(ical_uid: str) -> str:
    """The same for every retry of one create, so Graph makes the event once."""
    return "aurelius-" + hashlib.sha256(ical_uid.encode()).hexdigest()[:32]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
