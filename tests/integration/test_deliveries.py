"""Reminder delivery on real databases: once per occurrence and channel, DST, downtime,
quiet hours, escalation, retries, abandoned claims, briefs."""

from __future__ import annotations

import dataclasses
import getpass
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services, build_services
from aurelius.settings import Settings
from core.models import Delivery
from core.services.deliveries import DeliveryService
from core.timeutil import localize
from tests.conftest import NOW, ZONE
from tests.fakes import TranscriptNotifier


@pytest.fixture
def transcript() -> TranscriptNotifier:
    return TranscriptNotifier()


@pytest.fixture
def services(
    database_url: str, clock: FixedClock, transcript: TranscriptNotifier
) -> Iterator[Services]:
    notifiers = {"terminal": transcript, "webhook": transcript, "email": transcript}
    built = build_services(
        Settings(database_url=database_url, timezone=ZONE), clock=clock, notifiers=notifiers
    )
    yield built
    built.close()


def deliver_all(deliveries: DeliveryService) -> list[str]:
    return [deliveries.send(delivery_id) for delivery_id in deliveries.plan()]


def webhook_then_email(services: Services, user_id: int) -> None:
    """A webhook that is down, then e-mail: where a failure escalates to."""
    services.channels.add(user_id, "webhook", "https://hooks.example/down")
    services.channels.add(user_id, "email", "me@example.com")


def at(wall: datetime, tz: str = ZONE) -> datetime:
    return localize(wall, tz)


def test_due_reminder_is_delivered_once(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    services.reminders.add(user_id, "Call the bank", NOW + timedelta(minutes=5))
    assert deliver_all(services.deliveries) == []
    clock.instant = NOW + timedelta(minutes=5)
    assert deliver_all(services.deliveries) == ["sent"]
    assert deliver_all(services.deliveries) == []
    assert transcript.titles == ["Call the bank"]
    assert services.reminders.upcoming(user_id) == []


def test_a_second_send_of_the_same_delivery_does_nothing(
    services: Services, user_id: int, transcript: TranscriptNotifier
) -> None:
    services.reminders.add(user_id, "Once", NOW)
    (delivery_id,) = services.deliveries.plan()
    assert services.deliveries.send(delivery_id) == "sent"
    assert services.deliveries.send(delivery_id) == "skipped"
    assert len(transcript.sent) == 1


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York"])
def test_daily_reminder_keeps_local_time_across_both_dst_switches(
    services: Services, transcript: TranscriptNotifier, clock: FixedClock, tz: str
) -> None:
    user = services.users.ensure("telegram", f"dst-{tz}", "DST", tz)
    spring = {
        "Europe/Berlin": datetime(2026, 3, 27, 8),
        "America/New_York": datetime(2026, 3, 6, 8),
    }
    autumn = {
        "Europe/Berlin": datetime(2026, 10, 23, 8),
        "America/New_York": datetime(2026, 10, 30, 8),
    }
    for first in (spring[tz], autumn[tz]):
        clock.instant = at(first, tz) - timedelta(hours=1)
        reminder = services.reminders.add(
            user, f"Pills {first:%b}", at(first, tz), recurrence_rule="FREQ=DAILY;COUNT=4"
        )
        for day in range(4):
            clock.instant = at(first + timedelta(days=day), tz)
            deliver_all(services.deliveries)
        assert services.reminders.upcoming(user) == []
        assert reminder.id
    sent = [note.data["occurrence_at"] for _, note in transcript.sent]
    local = [
        datetime.fromisoformat(s).astimezone(localize(datetime(2026, 1, 1), tz).tzinfo)
        for s in sent
    ]
    assert len(sent) == 8 and {moment.hour for moment in local} == {8}
    offsets = {moment.utcoffset() for moment in local}
    assert len(offsets) == 2  # the same 08:00 on both sides of each switch


def test_gap_time_fires_at_first_valid_instant_and_overlap_fires_once(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    clock.instant = at(datetime(2026, 3, 27))
    services.reminders.add(
        user_id, "Gap", at(datetime(2026, 3, 28, 2, 30)), recurrence_rule="FREQ=DAILY;COUNT=3"
    )
    services.reminders.add(
        user_id, "Overlap", at(datetime(2026, 10, 24, 2, 30)), recurrence_rule="FREQ=DAILY;COUNT=3"
    )
    start = at(datetime(2026, 3, 28, 0))
    moments = [start + timedelta(minutes=15 * step) for step in range(4 * 24 * 3)]
    start = at(datetime(2026, 10, 24, 0))
    moments += [start + timedelta(minutes=15 * step) for step in range(4 * 24 * 3)]
    for moment in moments:
        clock.instant = moment
        deliver_all(services.deliveries)
    fired = {}
    for _, note in transcript.sent:
        fired.setdefault(note.title, []).append(note.data["occurrence_at"])
    assert fired["Gap"][1] == "2026-03-29T01:00:00+00:00"  # 03:00 CEST, right after the gap
    assert fired["Overlap"] == [
        "2026-10-24T00:30:00+00:00",
        "2026-10-25T00:30:00+00:00",
        "2026-10-26T01:30:00+00:00",
    ]


def test_after_downtime_recent_are_late_and_old_are_in_a_digest(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    clock.instant = NOW - timedelta(hours=4)  # set before `aurelius run` went down
    services.reminders.add(user_id, "Recent", NOW - timedelta(minutes=5))
    services.reminders.add(user_id, "Old", NOW - timedelta(hours=3))
    services.reminders.add(
        user_id, "Hourly", NOW - timedelta(hours=2, minutes=5), recurrence_rule="FREQ=HOURLY"
    )
    clock.instant = NOW
    deliver_all(services.deliveries)
    titles = transcript.titles
    assert "Recent (late)" in titles and "Hourly (late)" in titles
    digest = next(n for _, n in transcript.sent if n.kind == "digest")
    assert digest.title == "Missed while you were away (3)"
    assert "Old" in digest.body and digest.body.count("Hourly") == 2
    with services.db.transaction() as session:
        assert session.query(Delivery).filter_by(state="missed").count() == 3


def test_quiet_hours_hold_until_they_end_but_not_urgent(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    services.channels.set_quiet_hours(user_id, "22:00", "07:00")
    night = at(datetime(2026, 3, 10, 23, 30))
    services.reminders.add(user_id, "Water plants", night)
    services.reminders.add(user_id, "Smoke alarm", night, urgent=True)
    clock.instant = night
    deliver_all(services.deliveries)
    assert transcript.titles == ["Smoke alarm"]
    clock.instant = at(datetime(2026, 3, 11, 6, 59))
    deliver_all(services.deliveries)
    assert transcript.titles == ["Smoke alarm"]
    clock.instant = at(datetime(2026, 3, 11, 7, 0))
    deliver_all(services.deliveries)
    assert transcript.titles == ["Smoke alarm", "Water plants"]  # held, not late


def test_unacknowledged_reminder_escalates_to_the_next_channel(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    services.channels.add(user_id, "webhook", "https://hooks.example/one")
    services.channels.add(user_id, "email", "me@example.com")
    first = services.reminders.add(user_id, "Board call", NOW, requires_ack=True)
    second = services.reminders.add(user_id, "Dentist", NOW, requires_ack=True)
    deliver_all(services.deliveries)
    services.deliveries.acknowledge(user_id, second.id)
    clock.instant = NOW + timedelta(minutes=10)
    deliver_all(services.deliveries)
    clock.instant = NOW + timedelta(minutes=30)
    deliver_all(services.deliveries)
    kinds = [(address.kind, note.title) for address, note in transcript.sent]
    assert kinds.count(("webhook", "Board call")) == 1
    assert kinds.count(("email", "Board call")) == 1
    assert ("email", "Dentist") not in kinds
    assert first.id != second.id


def test_failures_are_retried_with_backoff_then_escalated(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    webhook_then_email(services, user_id)
    services.reminders.add(user_id, "Renew passport", NOW)
    transcript.failures = 1
    assert deliver_all(services.deliveries) == ["pending"]
    clock.instant = NOW + timedelta(seconds=4)
    assert deliver_all(services.deliveries) == []  # backing off
    clock.instant = NOW + timedelta(seconds=6)
    assert deliver_all(services.deliveries) == ["sent"]
    services.reminders.add(user_id, "Never works", clock.instant)
    transcript.failures = 99
    for minute in range(40):
        clock.instant = NOW + timedelta(minutes=minute)
        deliver_all(services.deliveries)
    with services.db.transaction() as session:
        states = {(d.payload["title"], d.channel_kind): d.state for d in session.query(Delivery)}
    assert states[("Never works", "webhook")] == "failed"
    assert states[("Never works", "email")] == "failed"  # escalated, and failed there too


def test_a_claim_abandoned_by_a_dead_worker_is_sent_again_once(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    services.reminders.add(user_id, "Standup", NOW)
    (delivery_id,) = services.deliveries.plan()
    assert services.deliveries._claim([delivery_id])  # a worker claims it, then dies
    assert services.deliveries.send(delivery_id) == "skipped"  # the claim is still live
    assert services.deliveries.ready() == []
    clock.instant = NOW + timedelta(minutes=3)
    assert services.deliveries.ready() == [delivery_id]
    assert services.deliveries.send(delivery_id) == "sent"
    assert transcript.titles == ["Standup"]


def test_snooze_rings_again_and_stops_escalation(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    reminder = services.reminders.add(user_id, "Stretch", NOW, requires_ack=True)
    deliver_all(services.deliveries)
    snoozed = services.reminders.snooze(user_id, reminder.id, timedelta(minutes=15))
    assert snoozed.remind_at == NOW + timedelta(minutes=15)
    clock.instant = NOW + timedelta(minutes=15)
    deliver_all(services.deliveries)
    assert transcript.titles == ["Stretch", "Stretch"]


def test_daily_brief_once_per_local_day_at_its_time(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    services.channels.set_brief_time(user_id, "08:00")
    services.tasks.add(user_id, "Pay rent", due=NOW.date(), priority=1)
    clock.instant = at(datetime(2026, 3, 11, 7, 59))
    deliver_all(services.deliveries)
    assert transcript.sent == []
    for minute in range(0, 120, 7):
        clock.instant = at(datetime(2026, 3, 11, 8, 0)) + timedelta(minutes=minute)
        deliver_all(services.deliveries)
    (note,) = [n for _, n in transcript.sent]
    assert note.kind == "brief" and "Wed 11 Mar 2026" in note.title
    assert "Overdue:" in note.body and "#1 Pay rent" in note.body


def test_only_one_scheduler_holds_the_lease(services: Services, clock: FixedClock) -> None:
    from core.services import leases

    ttl = timedelta(seconds=10)
    assert leases.acquire(services.db, clock, "scheduler", "a", ttl)
    assert not leases.acquire(services.db, clock, "scheduler", "b", ttl)
    assert leases.acquire(services.db, clock, "scheduler", "a", ttl)  # renewal
    clock.instant = NOW + timedelta(seconds=11)
    assert leases.acquire(services.db, clock, "scheduler", "b", ttl)
    assert not leases.acquire(services.db, clock, "scheduler", "a", ttl)


def test_a_slow_webhook_is_maybe_delivered_and_retried_later_with_the_same_key(
    database_url: str, clock: FixedClock
) -> None:
    from aurelius.adapters.notifiers import WebhookNotifier
    from tests.stubs.webhook import WebhookReceiver

    with WebhookReceiver(delay=1.0) as receiver:
        notifiers = {"webhook": WebhookNotifier(timeout=0.2)}
        built = build_services(
            Settings(database_url=database_url, timezone=ZONE), clock=clock, notifiers=notifiers
        )
        user = built.local_user_id()
        built.channels.add(user, "webhook", receiver.url)
        built.reminders.add(user, "Stretch", NOW)
        assert deliver_all(built.deliveries) == ["pending"]  # it may have arrived
        clock.instant = NOW + timedelta(seconds=59)
        assert deliver_all(built.deliveries) == []  # a longer wait than for a refusal (5 s)
        receiver.delay = 0.0
        clock.instant = NOW + timedelta(minutes=1)
        assert deliver_all(built.deliveries) == ["sent"]
        built.close()
    keys = [r.headers["x-aurelius-delivery"] for r in receiver.received]
    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) == 32


def test_failed_after_every_retry_shows_failed_and_tells_the_next_channel(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    from aurelius.workers.status import collect

    webhook_then_email(services, user_id)
    services.reminders.add(user_id, "Renew passport", NOW)
    transcript.failures = 5  # every attempt on the webhook; the e-mail then works
    for minute in range(20):
        clock.instant = NOW + timedelta(minutes=minute)
        deliver_all(services.deliveries)
    (shown,) = services.reminders.upcoming(user_id, include_past=True)
    assert shown.status == "sent"  # it reached the e-mail channel in the end
    (address, note), = transcript.sent
    assert address.kind == "email" and "could not reach you on webhook" in note.body
    with services.db.transaction() as session:
        session.query(Delivery).filter_by(channel_kind="email").update({"state": "failed"})
    (shown,) = services.reminders.upcoming(user_id, include_past=True)
    assert shown.status == "failed" and shown.status_detail
    assert "5 tries on webhook: ConnectionError: channel unavailable" in shown.status_detail
    assert collect(services)["reminders"] == {"failed": 1}


def test_missed_reminders_say_missed_and_name_the_digest_in_the_current_zone(
    services: Services, user_id: int, transcript: TranscriptNotifier, clock: FixedClock
) -> None:
    from aurelius.workers.status import collect

    clock.instant = NOW - timedelta(hours=4)
    services.reminders.add(user_id, "Old", NOW - timedelta(hours=3))
    services.reminders.add(user_id, "Later", NOW + timedelta(hours=3))
    # `config set timezone America/New_York`; the next command carries it to the user.
    services.users.ensure("cli", getpass.getuser(), "me", "America/New_York")
    clock.instant = NOW
    deliver_all(services.deliveries)
    digest = next(n for _, n in transcript.sent if n.kind == "digest")
    assert "Old (Tue 10 Mar 01:00 America/New_York)" in digest.body  # 09:00 Berlin - 3 h
    shown = {r.title: r for r in services.reminders.upcoming(user_id, include_past=True)}
    assert shown["Old"].status == "missed"
    assert shown["Old"].status_detail == (
        "in the missed digest of Tue 10 Mar 04:00 America/New_York (sent)"
    )
    assert shown["Later"].remind_at.isoformat() == "2026-03-10T07:00:00-04:00"
    moved = dataclasses.replace(  # `jobs status` in a new process reads the new setting
        services, settings=services.settings.model_copy(update={"timezone": "America/New_York"})
    )
    report = collect(moved)
    assert report["reminders"] == {"missed": 1, "scheduled": 1}
    assert report["deliveries"]["missed"] == 1
    assert report["next reminders"] == [f"#{shown['Later'].id} Later at Tue 10 Mar 07:00 "
                                        "America/New_York"]


def test_statuses_sent_acknowledged_cancelled_due(
    services: Services, user_id: int, clock: FixedClock
) -> None:
    sent = services.reminders.add(user_id, "Sent", NOW)
    acked = services.reminders.add(user_id, "Acked", NOW)
    cancelled = services.reminders.add(user_id, "Cancelled", NOW + timedelta(hours=1))
    due = services.reminders.add(user_id, "Due", NOW + timedelta(minutes=1))
    deliver_all(services.deliveries)
    services.deliveries.acknowledge(user_id, acked.id)
    services.reminders.cancel(user_id, cancelled.id)
    clock.instant = NOW + timedelta(minutes=2)  # `aurelius run` is not running
    shown = {r.id: r.status for r in services.reminders.upcoming(user_id, include_past=True)}
    assert shown == {sent.id: "sent", acked.id: "acknowledged", cancelled.id: "cancelled",
                     due.id: "due"}
