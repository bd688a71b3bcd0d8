"""A user's calendars, local and linked: finding one by name or id, listing them all, and
refusing writes to those the provider shares read-only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Invalid, NotFound, PermissionDenied
from core.models import Connection, LinkedCalendar
from core.services.views import _Json

LOCAL = "local"


@dataclass(frozen=True)
class CalendarView(_Json):
    id: int | None  # None: Aurelius's own (local) calendar
    name: str
    provider: str  # local | google | microsoft | caldav
    account: str | None
    writable: bool
    default: bool
    connection_id: int | None = None
    timezone: str | None = None
    colour: str | None = None


def find(session: Session, user_id: int, ref: str | None) -> LinkedCalendar | None:
    """The linked calendar `ref` names (its id, name or remote id); None for the local one."""
    wanted = (ref or "").strip()
    if not wanted or wanted.casefold() == LOCAL:
        return None
    rows = list(session.scalars(select(LinkedCalendar).where(LinkedCalendar.user_id == user_id)))
    if wanted.isdigit():
        by_id = [row for row in rows if row.id == int(wanted)]
        if by_id:
            return by_id[0]
    named = [row for row in rows if wanted.casefold() in (row.name.casefold(), row.remote_id)]
    if len(named) > 1:
        ids = ", ".join(str(row.id) for row in named)
        raise Invalid(f"Several calendars are named {wanted!r} (ids {ids}); give the id instead.")
    if not named:
        raise NotFound(f"No calendar {wanted!r}. See `aurelius cal calendars` for the names.")
    return named[0]


def require_writable(calendar: LinkedCalendar) -> None:
    if not calendar.writable:
        raise PermissionDenied(
            f"The calendar {calendar.name!r} is read-only at its provider; "
            "put the event in another calendar with --calendar."
        )


def views(session: Session, user_id: int, default: str | None) -> list[CalendarView]:
    """Every calendar of the user, the local one first; `default` marks where new events go."""
    try:
        chosen = find(session, user_id, default)
    except (Invalid, NotFound):
        chosen = None  # a default that no longer exists: new events stay local
    found = [CalendarView(None, "Local", LOCAL, None, True, chosen is None)]
    rows = session.execute(
        select(LinkedCalendar, Connection)
        .join(Connection, Connection.id == LinkedCalendar.connection_id)
        .where(LinkedCalendar.user_id == user_id)
        .order_by(LinkedCalendar.id)
    )
    for calendar, connection in rows:
        found.append(
            CalendarView(
                id=calendar.id,
                name=calendar.name,
                provider=connection.provider,
                account=connection.account_email or connection.account_id,
                writable=calendar.writable,
                default=chosen is not None and chosen.id == calendar.id,
                connection_id=connection.id,
                timezone=calendar.timezone,
                colour=calendar.colour,
            )
        )
    return found
