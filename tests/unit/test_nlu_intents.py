"""Intent boundaries of the offline parser."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.nlu import parse

NOW = datetime(2026, 3, 10, 9, 0)


def intent(text: str) -> str:
    return parse(text, NOW, "Europe/Berlin").intent


@pytest.mark.parametrize(("text", "expected"), [
    ("remind me to email Jenna tomorrow", "reminder.add"),
    ("reminder: pay the maid on friday", "reminder.add"),
    ("ping me at 5 about the standup notes", "reminder.add"),
    ("/remind call Jenna tomorrow 10am", "reminder.add"),
    ("hey remind me in 2 hrs to check the laundry!!", "reminder.add"),
    ("I need to send the NDA by EOD", "task.add"),
    ("don't forget to buy a gift on thursday", "task.add"),
    ("add task: email landlord about the heating tomorrow", "task.add"),
    ("/todo Buy stamps", "task.add"),
    ("@aurelius todo buy coffee beans p2", "task.add"),
    ("call mom sunday afternoon", "task.add"),
    ("tmrw buy milk", "task.add"),
    ("lunch with Sara friday 1pm", "event.add"),
    ("schedule a call with bob@acme.com monday 3pm", "event.add"),
    ("block 2 hours tomorrow morning for the report", "event.add"),
    ("dentist appointment next thursday at 3pm", "event.add"),
    ("I have a dentist appointment on Thursday at 10:30", "event.add"),
    ("what's on my calendar tomorrow", "event.list"),
    ("agenda for today", "event.list"),
    ("whats on tmrw", "event.list"),
    ("when's my next meeting", "event.list"),
    ("am I free tomorrow afternoon", "event.free"),
    ("free between 2 and 4 on friday?", "event.free"),
    ("can I fit in a 45 min gym session tomorrow", "event.free"),
    ("find a free hour next week", "event.free"),
    ("show me overdue tasks", "task.list"),
    ("what's due this week", "task.list"),
    ("done: call the bank", "task.complete"),
    ("mark 'buy milk' as done", "task.complete"),
    ("email bob@acme.com that the report is late", "email.send"),
    ("shoot Mark an email saying the meeting moved to 3", "email.send"),
    ("find emails from Stripe about invoices", "email.search"),
    ("search for receipts from uber", "email.search"),
    ("brief me", "brief"),
    ("catch me up", "brief"),
    ("Good morning! what's my day like?", "brief"),
    ("what day is christmas this year", "chat"),
    ("how do I export my calendar from outlook?", "chat"),
    ("how do I set a reminder on my iphone", "chat"),
    ("how do I add a task in Todoist?", "chat"),
    ("what day of the week is april 1st", "chat"),
    ("how does SMTP work", "chat"),
    ("thanks!", "chat"),
    ("what's the date of easter in may", "chat"),
    ("when is the dentist appointment tomorrow", "event.list"),
    ("what do I have next month", "event.list"),
    ("what do I have to do today", "task.list"),
    ("", "chat"),
])
def test_intent(text: str, expected: str) -> None:
    assert intent(text) == expected
