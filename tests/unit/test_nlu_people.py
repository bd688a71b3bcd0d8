"""Grammar gaps found on requests written by other people, each tested as its general rule."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.nlu import parse

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 3, 10, 9, 0)  # Tuesday
TZ = ZoneInfo(BERLIN)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(("text", "moment"), [
    ("remind me at 11.45am to stretch", at(10, 11, 45)),  # a dot between hour and minutes
    ("remind me thursday 7.05 pm to water the plants", at(12, 19, 5)),
    ("remind me at 25 to 4pm to fetch the kids", at(10, 15, 35)),  # no clock hour is 25
    ("remind me at 15 to 6 to close the shop", at(10, 17, 45)),  # "at": a point, not a range
    ("remind me friday at 5 to 9 to leave", at(13, 8, 55)),
    ("ping me when it's 4", at(10, 16, 0)),
    ("remind me at 10.15 tomorrow to ring Joe", at(11, 10, 15)),  # "at" makes a dot a time
    ("remind me until 21.40 to check the oven", at(10, 21, 40)),
    ("remind me to pay the bill when it is 11", at(10, 11, 0)),
])
def test_clock_forms(text: str, moment: datetime) -> None:
    assert parse(text, NOW, BERLIN).slots["remind_at"] == moment


def test_hours_either_side_of_to_stay_a_range() -> None:
    parsed = parse("what do I have from 10 to 4 on friday", NOW, BERLIN)
    assert (parsed.slots["start"], parsed.slots["end"]) == (at(13, 10), at(13, 16))


@pytest.mark.parametrize(("text", "minutes"), [
    ("find me a free 20 min slot tomorrow", 20),
    ("got any gaps thursday for 2 hrs", 120),
])
def test_abbreviated_units(text: str, minutes: int) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert (parsed.intent, parsed.slots["duration_minutes"]) == ("event.free", minutes)


@pytest.mark.parametrize(("text", "title"), [
    ("task done: water the ferns", "water the ferns"),
    ("todo completed - file the expenses", "file the expenses"),
    ("complete task: book the vet", "book the vet"),
    ("finish the task: send invoices", "send invoices"),
    ("i'm done with the quarterly report", "the quarterly report"),
])
def test_completions(text: str, title: str) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert (parsed.intent, parsed.slots["title"]) == ("task.complete", title)


@pytest.mark.parametrize(("text", "title", "project"), [
    ("add descale the kettle to my list", "descale the kettle", None),
    ("put new batteries on the list", "new batteries", None),
    ("add oat milk to my grocery list", "oat milk", "grocery"),
    ("make a note to call the plumber", "call the plumber", None),
])
def test_list_additions(text: str, title: str, project: str | None) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert (parsed.intent, parsed.slots["title"]) == ("task.add", title)
    assert parsed.slots.get("project") == project


def test_dont_forget_without_to() -> None:
    parsed = parse("don't let me forget the umbrella tomorrow", NOW, BERLIN)
    assert (parsed.intent, parsed.slots["title"]) == ("task.add", "the umbrella")


def test_project_named_before_a_due_date() -> None:
    parsed = parse("new task: sketch the logo for the Branding project due friday", NOW, BERLIN)
    assert parsed.slots["project"] == "Branding"
    assert (parsed.slots["title"], parsed.slots["due"]) == ("sketch the logo", date(2026, 3, 13))


@pytest.mark.parametrize("text", [
    "shoot me a reminder at 4pm to call the bank",
    "could you put a reminder in for 4pm to call the bank",
    "pop a reminder in for me at 4pm to call the bank",
    "send me a reminder at 4pm to call the bank",
    "set me a reminder for 4pm to call the bank",
    "i'd like a reminder at 4pm to call the bank",
    "i want to get a reminder at 4pm to call the bank",
])
def test_reminders_asked_for_as_a_thing(text: str) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert parsed.intent == "reminder.add"
    assert (parsed.slots["title"], parsed.slots["remind_at"]) == ("call the bank", at(10, 16))
    assert parsed.confident


def test_book_as_a_noun_is_not_a_booking() -> None:
    parsed = parse("book group friday at 6pm", NOW, BERLIN)
    assert (parsed.intent, parsed.slots["title"]) == ("event.add", "book group")
    assert parse("book a table friday at 6pm", NOW, BERLIN).slots["title"] == "a table"


@pytest.mark.parametrize(("text", "intent"), [
    ("got any openings friday morning", "event.free"),
    ("any openings tomorrow afternoon", "event.free"),
    ("what does thursday look like on my calendar", "event.list"),
    ("what does thursday look like", "brief"),
    ("what does a good cv look like", "chat"),
    ("how does my week look on the calendar", "event.list"),  # names the calendar
    ("how does my week look", "brief"),
    ("who am i meeting with tomorrow", "event.list"),
    ("give me a quick summary of my day", "brief"),
    ("what should i know about tomorrow", "brief"),
    ("what do i still need to do this week", "task.list"),
    ("where do i change my time zone", "chat"),  # a question about the tool
    ("good evening!", "chat"),
    ("morning", "chat"),
])
def test_everyday_intents(text: str, intent: str) -> None:
    assert parse(text, NOW, BERLIN).intent == intent


def test_plural_weekdays_after_a_clock_time_repeat() -> None:
    parsed = parse("swim lessons 6:15 thursdays", NOW, BERLIN)
    assert (parsed.intent, parsed.slots["title"]) == ("event.add", "swim lessons")
    assert (parsed.slots["recurrence"], parsed.slots["start"]) == ("FREQ=WEEKLY;BYDAY=TH",
                                                                   at(12, 18, 15))
    assert parse("remind me 2 fridays from now to pay", NOW, BERLIN).slots["remind_at"] == date(
        2026, 3, 20)


@pytest.mark.parametrize(("text", "query"), [
    ("did anybody email me about the lease", "lease"),  # "anybody" is no sender
    ("show the last email from Omar", "from:omar"),
])
def test_email_queries(text: str, query: str) -> None:
    assert parse(text, NOW, BERLIN).slots["query"] == query


def test_fire_off_an_email() -> None:
    parsed = parse("fire off an email to Rosa saying the keys are under the mat", NOW, BERLIN)
    assert (parsed.intent, parsed.slots["to"]) == ("email.send", ["Rosa"])


def test_my_week_is_this_week() -> None:
    parsed = parse("show my week on the calendar", NOW, BERLIN)
    assert (parsed.slots["start"], parsed.slots["end"]) == (at(9, 0), at(16, 0))


def test_weekday_then_month_day_then_clock() -> None:
    parsed = parse("dentist Tue Mar 17 3pm", NOW, BERLIN)
    assert (parsed.slots["title"], parsed.slots["start"]) == ("dentist", at(17, 15))
    assert parsed.confident


@pytest.mark.parametrize(("text", "reason"), [
    ("remind me about the 8pm call tomorrow morning", "the time does not fit the part of the day"),
    ("remind me to call Ann at 9am tonight", "the time does not fit the part of the day"),
    ("add saturday paper delivery to my list", "'saturday paper' may be a name, not a day"),
    ("remind me 10 to 5 tomorrow to jog", "unread date or time words in the title: 10 to 5"),
    ("remind me to call Jo 8.45 friday", "unread date or time words in the title: 8.45"),
    ("remind me about the 11am review tomorrow", "'11am review' may name the thing, not the time"),
    ("remind me about our friday call", "'friday call' may name the thing, not the time"),
    ("block 3 hours thursday for taxes", "a length but no start time"),
    ("wake me up at 5", "an alarm at a bare hour: am or pm?"),
    ("tidy up my week", "'my week' is no date to set"),
    ("add task for tomorrow at 3", "nothing named to add"),
    ("set an alarm for 6:30 tomorrow", "an alarm at a bare hour: am or pm?"),
])
def test_doubtful_readings_ask(text: str, reason: str) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert reason in parsed.doubts
    assert not parsed.confident


@pytest.mark.parametrize("text", [
    "remind me at 8am tomorrow morning to run",
    "remind me tonight at 9pm to lock up",
    "call mom sunday about dinner",
    "is thursday open?",
    "remind me to wish Augusta luck on friday",  # a name that starts like a month
    "pay $12.50 to Sam on friday",
    "wake me up at 5am",
])
def test_consistent_readings_stay_confident(text: str) -> None:
    assert parse(text, NOW, BERLIN).confident


@pytest.mark.parametrize(("text", "intent", "title"), [
    ("remind me 2 feed the cat at 6pm", "reminder.add", "feed the cat"),  # chat-speak "2"
    ("to do: renew the car insurance", "task.add", "renew the car insurance"),
    ("add to calendar: pottery class thursday 6pm", "event.add", "pottery class"),
    ("uh can you add a task to book the vet friday", "task.add", "book the vet"),
    ("heads up, i'd like a nudge at 4 to call the bank", "reminder.add", "call the bank"),
    ("notify me when it's 9pm to lock the door", "reminder.add", "lock the door"),
])
def test_chat_speak_prefixes_and_fillers_leave_a_clean_title(
    text: str, intent: str, title: str
) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert (parsed.intent, parsed.slots["title"]) == (intent, title)


def test_a_2_before_a_unit_or_weekday_stays_a_number() -> None:
    assert parse("remind me 2 hours before the game", NOW, BERLIN).slots.get("title") != "hours"
    assert parse("remind me 2 days from now to pay", NOW, BERLIN).slots["remind_at"] == date(
        2026, 3, 12)


@pytest.mark.parametrize(("text", "intent"), [
    ("can u see if im free thursday at 3", "event.free"),
    ("is notion better than todoist?", "chat"),
    ("got a big presentation friday, any advice on nerves?", "chat"),
    ("what's on tap for today", "brief"),
])
def test_questions_read_as_what_they_ask(text: str, intent: str) -> None:
    assert parse(text, NOW, BERLIN).intent == intent


def test_a_holiday_party_given_only_a_time_is_on_the_holiday() -> None:
    parsed = parse("christmas dinner at 6pm", NOW, BERLIN)
    assert parsed.slots["start"] == datetime(2026, 12, 25, 18, 0, tzinfo=TZ)
    assert parsed.slots["title"] == "christmas dinner"
    # With a date of its own, the holiday only names the thing.
    shopping = parse("buy christmas party decorations tomorrow", NOW, BERLIN)
    assert shopping.slots["due"] == date(2026, 3, 11)


@pytest.mark.parametrize("text", [
    "happy new year everyone", "just had lunch with Sam at 1", "if it snows friday we stay in",
    "tomorrow is our anniversary", "Tom said the demo is at 4", "my train got delayed to 6pm",
    "i'm really tired today", "cancel my 3pm", "are you free to chat?",
])
def test_statements_and_changes_to_existing_items_are_chat(text: str) -> None:
    assert parse(text, NOW, BERLIN).intent == "chat"


@pytest.mark.parametrize(("text", "intent", "title"), [
    ("Haircut at 4:30 tuesday 💇", "event.add", "Haircut"),  # emoji say nothing a title needs
    ("tomorrow afternoon: email the landlord about the vet bill", "task.add",
     "email the landlord about the vet bill"),  # a leading "when:" then a verb: a task
    ("birthday party prep on saturday", "task.add", "birthday party prep"),
    ("kids soccer saturday 9 to 11", "event.add", "kids soccer"),  # a stretch of time
    ("watch Apollo 13 tonight", "task.add", "watch Apollo 13"),  # no 13 o'clock tonight
    ("rmd me abt the dentist at 4pm", "reminder.add", "the dentist"),
])
def test_titles_and_intents_of_informal_requests(text: str, intent: str, title: str) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert (parsed.intent, parsed.slots["title"]) == (intent, title)


def test_two_bare_hours_right_after_a_day_are_a_range() -> None:
    held = parse("hold monday 1-3 for interviews", NOW, BERLIN)
    assert (held.slots["start"], held.slots["end"]) == (at(16, 13), at(16, 15))
    parsed = parse("am i free thursday 2-3", NOW, BERLIN)
    assert (parsed.slots["start"], parsed.slots["end"]) == (at(12, 14), at(12, 15))
    assert parse("when is my next free hour", NOW, BERLIN).slots["duration_minutes"] == 60


def test_a_day_name_in_a_title_gives_way_to_the_day_that_says_when() -> None:
    parsed = parse("Sunday roast with the in-laws tomorrow at 1pm", NOW, BERLIN)
    assert parsed.slots["title"] == "Sunday roast with the in-laws"
    assert parsed.slots["start"] == at(11, 13)


def test_zones_of_more_places() -> None:
    parsed = parse("call with the Riyadh team at 2pm Riyadh time", NOW, BERLIN)
    assert parsed.slots["start"] == at(10, 12)  # UTC+3 is 12:00 in Berlin (UTC+1)


@pytest.mark.parametrize(("text", "intent", "title"), [
    ("Good evening. Would you please remind me tomorrow at 8 to water the roses?",
     "reminder.add", "water the roses"),
    ("I would be grateful if you could remind me on Friday at 4pm to pay the rent.",
     "reminder.add", "pay the rent"),
    ("Please note that I must return the library books on Thursday.", "task.add",
     "return the library books"),
    ("please help me add meeting with Mr. Li tomorrow 2pm", "event.add", "meeting with Mr. Li"),
    ("make a task: renew the passport", "task.add", "renew the passport"),
    ("remember me to call the bank tomorrow at 9", "reminder.add", "call the bank"),
    ("I need buy stamps friday", "task.add", "buy stamps"),
    ("I have a dentist appointment on Thursday at 10. Please put it in my calendar.",
     "event.add", "dentist appointment"),
    ("remind me at 5pm to log off lol", "reminder.add", "log off"),
    ("book a swimming lesson for Max saturday at 9", "event.add", "swimming lesson for Max"),
])
def test_polite_and_non_native_phrasings(text: str, intent: str, title: str) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert (parsed.intent, parsed.slots["title"]) == (intent, title)


@pytest.mark.parametrize("text", [
    "my kids are driving me crazy today lol", "pretty sure I left the oven on",
    "I have already booked the dentist myself", "sold the old car today",
])
def test_more_statements_are_chat(text: str) -> None:
    assert parse(text, NOW, BERLIN).intent == "chat"


def test_a_repeating_range_keeps_its_length() -> None:
    parsed = parse("choir every wednesday 7-9pm", NOW, BERLIN)
    assert (parsed.slots["start"], parsed.slots["end"]) == (at(11, 19), at(11, 21))
    assert parsed.slots["recurrence"] == "FREQ=WEEKLY;BYDAY=WE"


def test_their_time_and_hours_written_as_hrs() -> None:
    called = parse("call my brother in LA at 6pm his time", NOW, BERLIN)
    assert called.slots["due"] == datetime(2026, 3, 11, 2, 0, tzinfo=TZ)  # 18:00 PDT
    assert called.slots["title"] == "call my brother in LA"
    handover = parse("handover with the ward team tomorrow at 1900 hrs", NOW, BERLIN)
    assert handover.slots["title"] == "handover with the ward team"
