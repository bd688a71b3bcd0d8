"""SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

from core.models.account import AuthSession, Login, RefreshToken
from core.models.ai import EgressRecord, PendingAction, Thread, ThreadMessage, UsageRecord
from core.models.api_token import ApiToken
from core.models.audit import AuditEntry
from core.models.base import Base
from core.models.bots import InboundUpdate, LinkCode
from core.models.connection import CalendarWrite, Connection, Credential, LinkedCalendar
from core.models.delivery import Delivery, JobRecord, Lease, NotificationChannel
from core.models.event import Event, EventException, EventImportChange, EventImportRow
from core.models.mail import MailDraft, MailMessage, MailSenderRule
from core.models.oauth_state import OAuthState
from core.models.reminder import Reminder
from core.models.security import SecurityEntry
from core.models.task import Task
from core.models.user import Identity, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuthSession",
    "Base",
    "CalendarWrite",
    "Connection",
    "Credential",
    "Delivery",
    "EgressRecord",
    "Event",
    "EventException",
    "EventImportChange",
    "EventImportRow",
    "Identity",
    "InboundUpdate",
    "JobRecord",
    "Lease",
    "LinkCode",
    "LinkedCalendar",
    "Login",
    "MailDraft",
    "MailMessage",
    "MailSenderRule",
    "NotificationChannel",
    "OAuthState",
    "PendingAction",
    "RefreshToken",
    "Reminder",
    "SecurityEntry",
    "Task",
    "Thread",
    "ThreadMessage",
    "UsageRecord",
    "User",
]
