"""Interfaces to the outside world. Adapters in `aurelius.adapters` implement them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class Clock(Protocol):
    """The current instant, always timezone-aware. Tests pass a fixed clock."""

    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Address:
    """Where one notification goes: a channel kind and its target (URL, chat id, e-mail...)."""

    kind: str
    target: str = ""


@dataclass(frozen=True)
class Note:
    """A notification, ready for any channel to render."""

    title: str
    body: str
    kind: str = "reminder"
    delivery_id: int | None = None
    reminder_id: int | None = None
    actions: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    """The same on every retry of one delivery, so a receiver can drop a duplicate."""


class Notifier(Protocol):
    """Sends a note to one address; raises on failure so the delivery is retried."""

    def send(self, address: Address, note: Note) -> None: ...


class JobQueue(Protocol):
    """Runs `function` (an importable dotted path) with `args` (ids, never ORM objects).

    `job_id` names the job so that enqueueing the same work twice runs it once.
    """

    def enqueue(self, function: str, *args: Any, job_id: str | None = None) -> None: ...


class Metrics(Protocol):
    """Counters, histograms and gauges for operators. `name` is one of the adapter's
    catalogue (`aurelius_..._total`, `..._seconds`); label values never identify a person."""

    def count(self, name: str, amount: float = 1.0, **labels: str) -> None: ...

    def observe(self, name: str, value: float, **labels: str) -> None: ...

    def set(self, name: str, value: float, **labels: str) -> None: ...


class NoMetrics:
    """Measures nothing: where no metrics adapter is wired (unit tests, fakes)."""

    def count(self, name: str, amount: float = 1.0, **labels: str) -> None:
        return None

    def observe(self, name: str, value: float, **labels: str) -> None:
        return None

    def set(self, name: str, value: float, **labels: str) -> None:
        return None


Handler = Callable[[str, dict[str, Any]], None]


class EventBus(Protocol):
    """Live updates (task, event and reminder changes) for open screens and bots."""

    def publish(self, topic: str, payload: dict[str, Any]) -> None: ...

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        """Call `handler(topic, payload)` for every event; returns the unsubscribe function."""
        ...


# --- Linked calendars (Google, Microsoft 365, CalDAV) -------------------------------------
# A provider adapter speaks its wire format and hands the sync engine these plain values.
# Instants are aware datetimes; `timezone` is the IANA zone the wall times belong to.


@dataclass(frozen=True)
class RemoteCalendar:
    """One calendar of a linked account."""

    remote_id: str
    name: str
    colour: str | None = None
    timezone: str | None = None
    writable: bool = True
    primary: bool = False


@dataclass(frozen=True)
class RemoteOverride:
    """One occurrence of a series, moved, changed or cancelled at the provider.

    `occurrence_start` is the start the occurrence would have had (RECURRENCE-ID, Google's
    originalStartTime, Graph's originalStart). The other fields are None when "as the series".
    """

    occurrence_start: datetime
    cancelled: bool = False
    start: datetime | None = None
    end: datetime | None = None
    title: str | None = None
    location: str | None = None
    notes: str | None = None
    all_day: bool | None = None


@dataclass(frozen=True)
class RemoteEvent:
    """A single event or a whole series as the provider holds it.

    `remote_id` is the provider's id (Google event id, Graph event id, CalDAV resource href);
    `ical_uid` the iCalendar UID (client-chosen on create, so a retried create is found again).
    `recurrence` holds RRULE values one per line without the "RRULE:" prefix, as
    `Event.recurrence` does; EXDATEs arrive as cancelled overrides.
    """

    remote_id: str
    ical_uid: str
    title: str
    start: datetime
    end: datetime
    timezone: str = "UTC"
    all_day: bool = False
    location: str | None = None
    notes: str = ""
    attendees: tuple[str, ...] = ()
    recurrence: str | None = None
    rdates: tuple[tuple[datetime, datetime | None], ...] = ()
    overrides: tuple[RemoteOverride, ...] = ()
    etag: str | None = None


@dataclass(frozen=True)
class RemoteInstance:
    """An override that arrives on its own (Google instances, Graph exceptions), for the
    series whose `remote_id` is `series_remote_id`."""

    series_remote_id: str
    override: RemoteOverride
    remote_id: str = ""
    etag: str | None = None


@dataclass
class SyncBatch:
    """What changed in one calendar since `cursor` (everything, when the cursor was None).

    `complete` is True when `events` is the whole calendar (a full listing): anything stored
    locally and not in it has gone. `cursor` is what to pass next time.
    """

    events: list[RemoteEvent] = field(default_factory=list)
    instances: list[RemoteInstance] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    cursor: str | None = None
    complete: bool = False
    requests: int = 0
    skipped: list[str] = field(default_factory=list)
    """One line per malformed provider event that was left out (logged, never fatal)."""


class CalendarSource(Protocol):
    """One linked account's calendars. Adapters raise `core.errors.CursorExpired` when the
    provider no longer accepts a cursor, `EtagConflict` on a precondition failure,
    `AuthExpired` when the grant is gone and `ProviderUnavailable` for outages."""

    def calendars(self) -> list[RemoteCalendar]: ...

    def changes(self, calendar_id: str, cursor: str | None) -> SyncBatch: ...

    def create(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        """Create `event` (its `ical_uid` chosen by Aurelius). Creating the same UID again
        returns the event already there, so a retried create never makes two."""
        ...

    def update(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        """Replace the event (with its overrides) if it still has `event.etag`."""
        ...

    def delete(self, calendar_id: str, remote_id: str, etag: str | None) -> None:
        """Delete; an event already gone is not an error."""
        ...


class TokenVault(Protocol):
    """Seals secrets at rest. `bound_to` names the owning row; a sealed value opens only
    with the same `bound_to`, so a blob copied to another row is useless."""

    def seal(self, plaintext: bytes, bound_to: str) -> bytes: ...

    def open(self, sealed: bytes, bound_to: str) -> bytes: ...


class AccessTokens(Protocol):
    """A connection's OAuth access tokens for an adapter (which never sees the vault).
    Both raise `AuthExpired` when the grant is gone (the connection then needs reauth)."""

    def token(self) -> str:
        """A valid access token, refreshed ahead of its expiry."""
        ...

    def refreshed(self) -> str:
        """After the provider refused the token (401): refresh now and return the new one."""
        ...


# --- Mail (Gmail, Microsoft 365, IMAP/SMTP) -----------------------------------------------
# A mail adapter speaks its provider's wire format and hands the mail sync these values.
# MIME is read by `core.mail` (standard library `email`, policy.default); adapters that get raw
# RFC 822 bytes (IMAP, Gmail format=raw) pass them through it, Graph maps its JSON fields.


@dataclass(frozen=True)
class RemoteMessage:
    """One message as a provider holds it.

    `remote_id` is stable for the message in its account: Gmail message id, Graph message
    id, IMAP "FOLDER/UIDVALIDITY/UID". `thread_id` is the provider's thread (Gmail threadId,
    Graph conversationId); None lets the store thread by Message-ID/References.
    Addresses are "Name <addr@host>" or a bare address. `problems` names what did not parse
    (a broken charset, an over-deep MIME tree, a truncated body): stored and flagged, never fatal.
    """

    remote_id: str
    folder: str = "INBOX"
    thread_id: str | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    sender: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    reply_to: str | None = None
    subject: str = ""
    sent_at: datetime | None = None
    snippet: str = ""
    body_text: str = ""
    labels: tuple[str, ...] = ()
    unread: bool = True
    size: int = 0
    attachments: tuple[str, ...] = ()
    list_unsubscribe: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """The headers triage reads (Precedence, Auto-Submitted, List-Id, X-Auto-Response-Suppress,
    Content-Type of the top part...), names in lower case."""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class MailFlags:
    """A change of state only (read/unread, labels, folder) of a message already synced."""

    remote_id: str
    unread: bool
    labels: tuple[str, ...] = ()
    folder: str | None = None


@dataclass
class MailBatch:
    """What changed in an account since `cursor` (None: the first, bounded sync).

    `complete` is True when `messages` is everything the source keeps in sync (a full listing,
    e.g. after a UIDVALIDITY change or an expired Gmail historyId): anything stored locally and
    not in it has gone. `cursor` is opaque text for next time.
    """

    messages: list[RemoteMessage] = field(default_factory=list)
    flags: list[MailFlags] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    cursor: str | None = None
    complete: bool = False
    requests: int = 0
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OutgoingMail:
    """A message Aurelius composes: a reply (`in_reply_to`, `references`, `thread_id` set) or
    a new one. The body is plain text; the sender is the account's own address."""

    to: tuple[str, ...]
    subject: str
    body_text: str
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    thread_id: str | None = None
    sender: str | None = None


class MailSource(Protocol):
    """One linked mail account. Raises `CursorExpired` when the cursor is no longer accepted
    (the caller then asks again with None), `AuthExpired` and `ProviderUnavailable` as the
    calendar sources do."""

    def changes(self, cursor: str | None, since: datetime | None = None) -> MailBatch:
        """Changes since `cursor`; with None, the messages received after `since` (bounded)."""
        ...

    def set_unread(self, remote_id: str, unread: bool) -> None: ...

    def archive(self, remote_id: str) -> None:
        """Out of the inbox (Gmail: remove INBOX; Graph: move to Archive; IMAP: MOVE to the
        Archive folder, or flag \\Deleted + EXPUNGE of the INBOX copy when there is none)."""
        ...

    def attachment(self, remote_id: str, name: str) -> bytes:
        """One attachment's bytes, fetched on demand (never stored)."""
        ...

    def save_draft(self, mail: OutgoingMail, replaces: str | None = None) -> str:
        """Save (or replace the draft `replaces`) as a provider draft; returns its id."""
        ...


class MailSender(Protocol):
    """Sends one message; returns the Message-ID it went out with. Raises on failure."""

    def send(self, mail: OutgoingMail, draft_id: str | None = None) -> str: ...
