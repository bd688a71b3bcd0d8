"""Google Calendar API v3 adapter: `GoogleCalendar` implements `core.ports.CalendarSource`."""

from aurelius.adapters.google.calendar import GoogleCalendar

__all__ = ["GoogleCalendar"]
