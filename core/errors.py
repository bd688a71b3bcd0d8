"""The error tree of Aurelius.

    AureliusError
     +-- UserError            the person can fix it; the message says how
     |    +-- NotFound        an id or name that does not exist (for this user)
     |    +-- Invalid         input that cannot be understood (a bad date, duration, RRULE...)
     |    +-- Conflict        the change contradicts the current state
     |    +-- PermissionDenied
     |    +-- QuotaExceeded
     +-- IntegrationError     something outside Aurelius failed
     |    +-- ProviderUnavailable
     |    +-- AuthExpired
     |    +-- CursorExpired      a provider no longer accepts a sync cursor: sync everything
     |    +-- EtagConflict       the provider's copy changed since we read it
     |    +-- DeliveryUncertain  a notification timed out after it was sent: it may have arrived
     +-- ConfigError          Aurelius is configured wrongly; the message names the setting

The core raises these; each edge translates them (the CLI prints the message and exits 1,
bots reply, the server maps them to status codes).
"""


class AureliusError(Exception):
    """Base of every error Aurelius raises on purpose."""


class UserError(AureliusError):
    """A mistake the user can correct; the message is written for them."""


class NotFound(UserError):
    pass


class Invalid(UserError):
    pass


class Conflict(UserError):
    pass


class PermissionDenied(UserError):
    pass


class QuotaExceeded(UserError):
    pass


class IntegrationError(AureliusError):
    pass


class ProviderUnavailable(IntegrationError):
    pass


class AuthExpired(IntegrationError):
    pass


class DeliveryUncertain(IntegrationError):
    """The request went out but no answer came back: retried later with the same key."""


class ConfigError(AureliusError):
    pass


class CursorExpired(IntegrationError):
    """The provider no longer accepts the stored sync cursor; a full sync is needed."""


class EtagConflict(IntegrationError):
    """A write's precondition failed: the provider's copy changed (its version wins)."""
