"""`GoogleCalendar`: one Google account's calendars through Calendar API v3 (httpx).

Reading: `calendarList.list` for the calendars, `events.list` with `singleEvents=false`
(series stay series) and `maxResults=2500` (the largest page), following `nextPageToken`
to the last page, whose `nextSyncToken` is the next cursor. An incremental listing passes
only `syncToken` beside the same parameters (Google refuses `timeMin`, `q`, `iCalUID`...
with it, and always includes deletions). A series that changed in an incremental listing
is re-read by its `iCalUID` (master + every instance) so it arrives whole.

Writing: a client-chosen event `id` (base32hex of the UID's SHA-256) makes a retried
insert answer 409 `duplicate`, which means "already there": the event is fetched. Updates
are a PATCH of the master with `If-Match` (412 -> `EtagConflict`; guests are left alone),
then a PATCH of each moved or changed occurrence at its instance id; cancelled occurrences
travel as EXDATE lines.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aurelius.adapters.google.events import (
    Item,
    body_of,
    calendar_from,
    event_from,
    override_body,
)
from aurelius.adapters.google.listing import batch_of, recurring_masters
from aurelius.adapters.google.recurrence import instance_id
from aurelius.adapters.provider_http import ProviderHttp
from core.errors import (
    CursorExpired,
    EtagConflict,
    IntegrationError,
    NotFound,
    PermissionDenied,
    ProviderUnavailable,
)
from core.ports import AccessTokens, RemoteCalendar, RemoteEvent, SyncBatch

if TYPE_CHECKING:
    import httpx

DEFAULT_BASE = "https://www.googleapis.com"
PAGE = "2500"  # the largest page events.list allows
RATE_LIMITS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})


class GoogleCalendar:
    def __init__(self, tokens: AccessTokens, base_url: str | None = None,
                 client: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if client is None:
            import httpx

            client = httpx.Client(timeout=30.0)
        self.base = f"{(base_url or DEFAULT_BASE).rstrip('/')}/calendar/v3"
        self.http = ProviderHttp(client, tokens, "Google", sleep=sleep)

    def calendars(self) -> list[RemoteCalendar]:
        entries, _ = self._pages(f"{self.base}/users/me/calendarList", {"maxResults": "250"})
        return [calendar_from(entry) for entry in entries if not entry.get("deleted")]

    def changes(self, calendar_id: str, cursor: str | None) -> SyncBatch:
        before = self.http.requests
        params = {"singleEvents": "false", "maxResults": PAGE}
        items, last = self._pages(self._events(calendar_id),
                                  {**params, "syncToken": cursor} if cursor else params)
        calendar_zone = str(last.get("timeZone") or "UTC")
        if cursor:
            items = self._whole_series(calendar_id, items)
        batch = batch_of(items, calendar_zone)
        batch.cursor, batch.complete = last.get("nextSyncToken"), cursor is None
        batch.requests = self.http.requests - before
        return batch

    def create(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        event_id = google_id(event.ical_uid)
        body = {**body_of(event), "id": event_id}
        response = self.http.call("POST", self._events(calendar_id), json=body)
        if response.status_code == 409:  # a retry: the first insert went through
            response = self.http.call("GET", self._event(calendar_id, event_id))
            if _json(response).get("status") == "cancelled":  # deleted since: bring back
                response = self.http.call("PUT", self._event(calendar_id, event_id), json=body)
        return self._written(calendar_id, _json(response), event)

    def update(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        # A patch: what Aurelius does not hold (reminders, conference links, the guests'
        # answers) stays as it is at Google.
        body = {k: v for k, v in body_of(event).items() if k != "attendees"}
        headers = {"If-Match": event.etag} if event.etag else {}
        response = self.http.call("PATCH", self._event(calendar_id, event.remote_id),
                                  json=body, headers=headers)
        return self._written(calendar_id, _json(response), event)

    def delete(self, calendar_id: str, remote_id: str, etag: str | None) -> None:
        headers = {"If-Match": etag} if etag else {}
        response = self.http.call("DELETE", self._event(calendar_id, remote_id), headers=headers)
        if response.status_code not in (404, 410):  # gone already: what was asked
            _json(response)

    def _written(self, calendar_id: str, item: Item, sent: RemoteEvent) -> RemoteEvent:
        """The stored master, after each moved or changed occurrence is patched."""
        stored = event_from(item, sent.timezone)
        for override in sent.overrides:
            if override.cancelled:
                continue
            key = instance_id(stored.remote_id, override.occurrence_start, sent.all_day,
                              sent.timezone)
            _json(self.http.call("PATCH", self._event(calendar_id, key),
                                 json=override_body(override, sent)))
        return replace(stored, ical_uid=sent.ical_uid, overrides=sent.overrides)

    def _whole_series(self, calendar_id: str, items: list[Item]) -> list[Item]:
        """`items` with every changed series complete (its master and all instances)."""
        for master_id, ical_uid in recurring_masters(items).items():
            params = {"iCalUID": ical_uid, "singleEvents": "false", "showDeleted": "true"}
            listed, _ = self._pages(self._events(calendar_id), params)
            series = [i for i in listed if master_id in (i.get("id"), i.get("recurringEventId"))]
            if any(i.get("id") == master_id for i in series):  # else: gone since, next time
                items = [i for i in items
                         if master_id not in (i.get("id"), i.get("recurringEventId"))]
                items += series
        return items

    def _pages(self, url: str, params: dict[str, str]) -> tuple[list[Item], Item]:
        """Every item of a list call, and its last page (holding `nextSyncToken`)."""
        items: list[Item] = []
        page: Item = {"nextPageToken": None}
        token: str | None = None
        while True:
            query = {**params, "pageToken": token} if token else params
            page = _json(self.http.call("GET", url, params=query))
            items += page.get("items") or []
            token = page.get("nextPageToken")
            if not token:
                return items, page

    def _events(self, calendar_id: str) -> str:
        return f"{self.base}/calendars/{quote(calendar_id, safe='')}/events"

    def _event(self, calendar_id: str, event_id: str) -> str:
        return f"{self._events(calendar_id)}/{quote(event_id, safe='')}"


def google_id(ical_uid: str) -> str:
    """A valid client-chosen event id (base32hex, 5-1024 chars) that only this UID gives."""
    digest = hashlib.sha256(ical_uid.encode()).digest()
    return base64.b32hexencode(digest).decode().rstrip("=").lower()


def _json(response: httpx.Response) -> Item:
    """The JSON body of a success; the error of the tree for anything else."""
    if response.is_success:
        try:
            body: Any = response.json() if response.content else {}
        except ValueError:
            raise ProviderUnavailable("Google answered with something that is not JSON.") from None
        if not isinstance(body, dict):
            raise ProviderUnavailable("Google answered with JSON of an unknown shape.")
        return body
    raise _error(response.status_code, _reason(response))


def _error(status: int, reason: str) -> Exception:
    if status == 410 and reason in ("fullSyncRequired", "updatedMinTooLongAgo", ""):
        return CursorExpired("Google no longer accepts this calendar's sync token.")
    if status == 412:
        return EtagConflict("The event changed in Google Calendar since Aurelius read it.")
    if status == 403 and reason in RATE_LIMITS:
        return ProviderUnavailable("Google Calendar's rate limit was reached; retrying later.")
    if status == 403:
        return PermissionDenied("Google Calendar refused the change: you may only read "
                                "this calendar.")
    if status == 404:
        return NotFound("Google Calendar has no such calendar or event (deleted there?).")
    detail = f", {reason}" if reason else ""
    return IntegrationError(f"Google Calendar refused the request (HTTP {status}{detail}).")


def _reason(response: httpx.Response) -> str:
    """The first `error.errors[].reason` of a Google error body (a short word, or "")."""
    try:
        errors = response.json()["error"]["errors"]
        reason = str(errors[0]["reason"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
    return reason[:40] if reason.isalnum() else ""
