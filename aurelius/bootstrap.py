"""The composition root: `build_services` is the one place where Aurelius is wired together.

Every front end (CLI, TUI, bots, server, workers) calls it; tests call it with overrides
(a fixed clock, a database on a test URL) instead of patching anything.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from aurelius.adapters.ai_wiring import AI, build_ai
from aurelius.settings import Settings, load_settings
from core.ai.mail_classify import MailClassifier
from core.ai.mail_tools import MailFinder, MailTools
from core.ai.summaries import BriefSummarizer
from core.db import Database
from core.models import Connection
from core.ports import (
    Address,
    CalendarSource,
    Clock,
    EventBus,
    JobQueue,
    MailSender,
    MailSource,
    Metrics,
    Notifier,
    TokenVault,
)
from core.services.accounts import Accounts
from core.services.api_tokens import ApiTokens
from core.services.briefings import BriefingService
from core.services.calendars import CalendarService, Workday
from core.services.capture import Capture
from core.services.channels import DEFAULT, ChannelService
from core.services.connections import ConnectionService
from core.services.credentials import Credentials
from core.services.deliveries import DeliveryPolicy, DeliveryService
from core.services.ical import CalendarFiles
from core.services.mail_drafts import MailDrafts
from core.services.reminders import ReminderService
from core.services.security_log import SecurityLog
from core.services.sessions import SessionFamilies
from core.services.sync import CalendarSync
from core.services.sync_notes import ConflictNotes
from core.services.tasks import TaskService
from core.services.triage import Triage
from core.services.urgency import UrgencyCoefficients
from core.services.users import UserService

if TYPE_CHECKING:
    from aurelius.adapters.redis_link import RedisLink

MAIL_DISPATCH = "aurelius.adapters.mail_sources"  # the adapters per provider, loaded by name


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    users: UserService
    tasks: TaskService
    calendar: CalendarService
    calendar_files: CalendarFiles
    reminders: ReminderService
    capture: Capture
    channels: ChannelService
    briefings: BriefingService
    notifiers: dict[str, Notifier]
    deliveries: DeliveryService
    queue: JobQueue
    bus: EventBus
    ai: AI
    credentials: Credentials
    connections: ConnectionService
    sync: CalendarSync
    metrics: Metrics
    api_tokens: ApiTokens
    accounts: Accounts
    security_log: SecurityLog
    sessions: SessionFamilies
    triage: Triage
    drafts: MailDrafts

    def local_user_id(self) -> int:
        """The user behind this OS account, created on first use with the configured zone."""
        login = getpass.getuser()
        return self.users.ensure("cli", login, login, self.settings.timezone)

    def close(self) -> None:
        self.db.dispose()


def build_services(settings: Settings | None = None, **overrides: Any) -> Services:
    """Wire every service from `settings`; a keyword replaces the part of the same name,
    and the parts built after it use the replacement (e.g. `notifiers=` for deliveries)."""
    settings = settings or load_settings()
    unknown = set(overrides) - {f.name for f in fields(Services)}
    if unknown:
        raise TypeError(f"build_services() got unknown overrides: {sorted(unknown)}")

    def part(name: str, build: Callable[[], Any]) -> Any:
        return overrides[name] if name in overrides else build()

    clock: Clock = part("clock", lambda: _clock(settings))
    metrics: Metrics = part("metrics", _metrics)
    link = redis_link(settings)
    bus: EventBus = part("bus", lambda: _bus(link))
    db: Database = part("db", lambda: _database(settings))
    db.bus = bus  # changes are announced once committed
    tasks = part("tasks", lambda: TaskService(db, clock, _weights(settings)))
    queue: JobQueue = part("queue", lambda: _queue(settings, link, metrics))
    calendar = part(
        "calendar",
        lambda: CalendarService(
            db, clock, _workday(settings), settings.default_calendar, _push_soon(queue)
        ),
    )
    reminders = part("reminders", lambda: ReminderService(db, clock))
    built: list[Services] = []  # the sources need the finished Services (OAuth tokens)
    mail_tools = MailTools(lambda: built[0].drafts, lambda: _mail_finder(built[0]))
    ai = part("ai", lambda: build_ai(settings, db, clock, tasks, calendar, reminders, link,
                                     metrics=metrics, mail=mail_tools))
    triage = part("triage", lambda: Triage(db, clock, MailClassifier(ai.gateway)))
    briefings = part(
        "briefings",
        lambda: BriefingService(db, tasks, calendar, reminders, BriefSummarizer(ai.gateway),
                                mail=triage.brief),
    )
    notifiers = part("notifiers", lambda: _notifiers(settings))
    deliveries = part(
        "deliveries",
        lambda: DeliveryService(
            db, clock, notifiers, _policy(settings), briefings.note, _default_channels(settings),
            metrics,
        ),
    )
    credentials = part("credentials", lambda: Credentials(db, _vault(settings)))
    sync = part("sync", lambda: CalendarSync(
        db, clock, lambda c: _source(built[0], c),
        ConflictNotes(db, clock, _default_channels(settings)),
    ))
    services = Services(
        settings=settings,
        db=db,
        clock=clock,
        users=part("users", lambda: UserService(db)),
        tasks=tasks,
        calendar=calendar,
        calendar_files=part("calendar_files", lambda: CalendarFiles(db)),
        reminders=reminders,
        capture=part("capture", lambda: Capture(tasks, calendar, reminders)),
        channels=part("channels", lambda: ChannelService(db)),
        briefings=briefings,
        notifiers=notifiers,
        deliveries=deliveries,
        queue=queue,
        bus=bus,
        ai=ai,
        credentials=credentials,
        connections=part("connections", lambda: ConnectionService(db, credentials)),
        sync=sync,
        metrics=metrics,
        api_tokens=part("api_tokens", lambda: ApiTokens(db, clock)),
        accounts=part("accounts", lambda: Accounts(db, clock, settings.signup)),
        security_log=part("security_log", lambda: SecurityLog(db, clock)),
        sessions=part("sessions", lambda: SessionFamilies(db, clock)),
        triage=triage,
        drafts=part("drafts", lambda: MailDrafts(
            db, clock, ai.gateway, lambda c: _mail_source(built[0], c),
            lambda c: _mail_sender(built[0], c))),
    )
    built.append(services)
    return services


def _source(services: Services, connection: Connection) -> CalendarSource:
    from aurelius.adapters.calendar_sources import source_for

    return source_for(services, connection)


def _mail_source(services: Services, connection: Connection) -> MailSource:
    from importlib import import_module

    source: MailSource = import_module(MAIL_DISPATCH).mail_source_for(services, connection)
    return source


def _mail_sender(services: Services, connection: Connection) -> MailSender:
    from importlib import import_module

    sender: MailSender = import_module(MAIL_DISPATCH).mail_sender_for(services, connection)
    return sender


def _mail_finder(services: Services) -> MailFinder | None:
    """The mail store's search and lists (`Services.mail`) once it is wired."""
    finder: MailFinder | None = getattr(services, "mail", None)
    return finder


def _push_soon(queue: JobQueue) -> Callable[[int], None]:
    """After a change to a linked calendar: a job sends the outbox of that connection."""
    from aurelius.workers.jobs import PUSH

    return lambda connection_id: queue.enqueue(PUSH, connection_id, job_id=f"push-{connection_id}")


def _metrics() -> Metrics:
    from aurelius.adapters.prometheus_metrics import PrometheusMetrics

    return PrometheusMetrics()  # loads prometheus_client only when something is measured


def _vault(settings: Settings) -> TokenVault:
    from aurelius.adapters.vault import key_ring

    return key_ring(settings)


def _database(settings: Settings) -> Database:
    from aurelius.migrate import ensure_schema
    from core.db import make_engine

    if not settings.database_url:  # the default file lives in Aurelius's own data dir
        from aurelius.config_file import make_private_dir
        from aurelius.settings import data_dir

        make_private_dir(data_dir())
    engine = make_engine(settings.effective_database_url)
    ensure_schema(engine)
    return Database(engine)


def _clock(settings: Settings) -> Clock:
    from aurelius.adapters.clock import FixedClock, SystemClock

    if not settings.now:
        return SystemClock()
    from core.timeutil import localize

    pinned = datetime.fromisoformat(settings.now)
    return FixedClock(pinned if pinned.tzinfo else localize(pinned, settings.timezone))


def _weights(settings: Settings) -> UrgencyCoefficients:
    return UrgencyCoefficients(
        due=settings.urgency_due,
        priority=settings.urgency_priority,
        age=settings.urgency_age,
        age_max_days=settings.urgency_age_max_days,
        tags=settings.urgency_tags,
        project=settings.urgency_project,
    )


def _workday(settings: Settings) -> Workday:
    return Workday(
        time.fromisoformat(settings.workday_start), time.fromisoformat(settings.workday_end)
    )


def _policy(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(grace=timedelta(minutes=settings.reminder_grace_minutes))


def _notifiers(settings: Settings) -> dict[str, Notifier]:
    from aurelius.adapters.notifiers import SmtpNotifier, TerminalNotifier, WebhookNotifier

    secret = settings.notify_webhook_secret
    found: dict[str, Notifier] = {
        "terminal": TerminalNotifier(settings.timezone),
        "webhook": WebhookNotifier(
            settings.notify_webhook_url, secret.get_secret_value() if secret else None
        ),
    }
    if settings.smtp_host:
        password = settings.smtp_password
        found["email"] = SmtpNotifier(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_username,
            password.get_secret_value() if password else None,
            settings.smtp_from,
            settings.smtp_starttls,
        )
    if settings.telegram_bot_token:
        from aurelius.adapters.telegram_notifier import TelegramNotifier

        token = settings.telegram_bot_token.get_secret_value()
        found["telegram"] = TelegramNotifier(token, settings.telegram_base_url)
    if settings.slack_bot_token:
        from aurelius.adapters.slack_notifier import SlackNotifier

        token = settings.slack_bot_token.get_secret_value()
        found["slack"] = SlackNotifier(token, settings.slack_base_url)
    return found


def _default_channels(settings: Settings) -> tuple[Address, ...]:
    """Where people with no channels of their own are notified."""
    return (Address("webhook"),) if settings.notify_webhook_url else (DEFAULT,)


def _queue(settings: Settings, link: RedisLink | None, metrics: Metrics) -> JobQueue:
    if link:
        from aurelius.adapters.rq_queue import RQQueue

        return RQQueue(link, lambda: _local_queue(settings, metrics), metrics)
    return _local_queue(settings, metrics)


def _local_queue(settings: Settings, metrics: Metrics) -> JobQueue:
    from aurelius.adapters.local_queue import InProcessQueue
    from aurelius.workers.jobs import record_failure

    return InProcessQueue(settings.workers, on_failure=record_failure, metrics=metrics)


def _bus(link: RedisLink | None) -> EventBus:
    if link:
        from aurelius.adapters.bus import RedisBus

        return RedisBus(link)
    from aurelius.adapters.bus import InProcessBus

    return InProcessBus()


def redis_link(settings: Settings) -> RedisLink | None:
    """The one guarded Redis connection the cache, queue and bus share (None without Redis)."""
    if not settings.redis_url:
        return None
    import hashlib

    from aurelius.adapters.redis_link import RedisLink
    from aurelius.settings import data_dir

    tag = hashlib.sha256(settings.redis_url.encode()).hexdigest()[:12]
    marker = data_dir() / f"redis-unreachable-{tag}"
    return RedisLink(settings.redis_url, settings.redis_timeout, marker=marker)
