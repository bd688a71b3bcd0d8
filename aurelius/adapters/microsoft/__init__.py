"""Microsoft 365 through Microsoft Graph v1.0: Outlook calendars (`calendar.MicrosoftCalendar`)."""
