"""SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

from core.models.audit import AuditEntry
from core.models.base import Base
from core.models.event import Event, EventException
from core.models.reminder import Reminder
from core.models.task import Task
from core.models.user import Identity, User

__all__ = ["AuditEntry", "Base", "Event", "EventException", "Identity", "Reminder", "Task", "User"]
