"""Settings: `AURELIUS_*` environment variables, then the TOML config file, then defaults.

The config file is `config.toml` in `$AURELIUS_HOME` when that is set, otherwise in the platform
config dir (e.g. `~/.config/aurelius/config.toml`). `aurelius config set KEY VALUE` writes it.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from aurelius import setting_checks as check

APP_NAME = "aurelius"


def home_dir() -> Path | None:
    """`$AURELIUS_HOME`, which moves both the data and the config dir (tests and scripts use it)."""
    value = os.environ.get("AURELIUS_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return home_dir() or Path(user_config_dir(APP_NAME))


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return home_dir() or Path(user_data_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / "config.toml"


def system_timezone() -> str:
    """The IANA name of this machine's zone: `$TZ`, else /etc/localtime's target, else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        localtime = Path("/etc/localtime")
        if localtime.is_symlink():
            name = str(localtime.resolve()).partition("zoneinfo/")[2]
    return name or "UTC"


def _key(name: str, *standard: str) -> Any:
    """Read a vendor key from `AURELIUS_<NAME>`, the vendor's standard name, or the config file."""
    return AliasChoices(f"AURELIUS_{name.upper()}", *standard, name)


class Settings(BaseSettings):
    """Everything that can be configured. Every field can be set as `AURELIUS_<FIELD>`."""

    model_config = SettingsConfigDict(
        env_prefix="AURELIUS_",
        extra="ignore",
        validate_default=True,
        populate_by_name=True,
        env_ignore_empty=True,  # `KEY=` (as compose passes unset keys) means "not set"
    )

    database_url: check.DatabaseUrl = ""
    """SQLAlchemy URL of the database: `sqlite:///path.db` (default: `aurelius.db` in the data
    dir, created and migrated on first use) or `postgresql+psycopg://user:pass@host/db`."""

    redis_url: check.RedisUrl = None
    """Redis URL (`redis://host:6379/0`). When set, the cache, queue and event bus use Redis."""

    redis_timeout: float = Field(default=0.25, gt=0, le=30)
    """Seconds to wait for Redis to connect or answer before using the embedded stand-ins
    (a Redis on your network answers in about a millisecond)."""

    timezone: check.TimeZone = Field(default_factory=system_timezone)
    """Your IANA time zone (e.g. `Europe/Berlin`). Times are entered and shown in it."""

    dayfirst: bool = False
    """Read `3/12` as 3 December (true) or March 12 (false)."""

    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=_key("anthropic_api_key", "ANTHROPIC_API_KEY")
    )
    """Anthropic API key (also read from `ANTHROPIC_API_KEY`). Enables Claude."""

    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=_key("openai_api_key", "OPENAI_API_KEY")
    )
    """OpenAI API key (also read from `OPENAI_API_KEY`). Enables embeddings."""

    anthropic_base_url: check.HttpUrl = None
    """Anthropic API URL without `/v1` (a proxy, or a test stub); default: Anthropic's."""

    openai_base_url: check.HttpUrl = None
    """OpenAI-compatible API URL with `/v1`: OpenAI by default, or a local server such as
    Ollama (`http://localhost:11434/v1`), llama.cpp or vLLM (then no key is needed)."""

    ai_tiers: check.ModelChains = Field(
        default_factory=lambda: {
            "economy": ["anthropic:claude-haiku-4-5", "openai:gpt-4.1-mini"],
            "default": ["anthropic:claude-sonnet-4-6", "openai:gpt-4.1"],
        }
    )
    """Per tier, the fallback chain of `provider:model` tried in order."""

    ai_prices: check.Prices = Field(
        default_factory=lambda: {
            "claude-haiku-4-5": [1.0, 5.0, 0.10],
            "claude-sonnet-4-6": [3.0, 15.0, 0.30],
            "gpt-4.1-mini": [0.40, 1.60, 0.10],
            "gpt-4.1": [2.0, 8.0, 0.50],
            "text-embedding-3-small": [0.02, 0.0],
        }
    )
    """US dollars per million tokens: [input, output, cache read]; unlisted models cost 0."""

    ai_plans: dict[str, dict[str, Any]] = Field(
        default_factory=lambda: {
            "free": {"tiers": ["economy"], "daily_requests": 50, "monthly_budget_usd": 1.0,
                     "requests_per_minute": 10},
            "pro": {"tiers": ["economy", "default"], "daily_requests": 500,
                    "monthly_budget_usd": 20.0, "requests_per_minute": 30},
            "team": {"tiers": ["economy", "default"], "daily_requests": 5000,
                     "monthly_budget_usd": 200.0, "requests_per_minute": 120},
        }
    )
    """Plans: allowed tiers, AI requests per 24 hours, monthly budget (USD), requests a minute."""

    plan: str = "pro"
    """Your plan, one of `ai_plans` (free, pro, team): its tiers, request limits and budget."""

    ai_use_cases: dict[str, str] = Field(
        default_factory=lambda: {
            "classify": "economy", "extract": "economy", "chat": "economy",
            "summarize": "economy", "draft": "default", "plan": "default",
        }
    )
    """Which tier each use case starts on; requests with several steps use `plan`."""

    ai_timeout: check.Seconds = 30.0
    """Seconds to wait for a model before trying the next provider."""

    ai_turn_seconds: float = Field(default=30.0, gt=0, le=600)
    """The longest one assistant turn waits for models, retries and fail-over included;
    after it, the offline parser answers."""

    ai_retries: check.Retries = 2
    """Retries (with backoff) on 429, 5xx and timeouts before falling over to the next one."""

    embedding_model: str = "text-embedding-3-small"
    """OpenAI (or compatible) embedding model for semantic search."""

    telegram_bot_token: SecretStr | None = None
    """Telegram bot token from @BotFather; enables `aurelius bot telegram` and the notifier."""

    telegram_base_url: check.RequiredHttpUrl = "https://api.telegram.org/bot"
    """Bot API base as python-telegram-bot takes it (the token is appended); for a local
    Bot API server."""

    telegram_webhook_secret: SecretStr | None = None
    """Secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` to the webhook route."""

    slack_bot_token: SecretStr | None = None
    """Slack bot token (`xoxb-…`); enables `aurelius bot slack` and the notifier."""

    slack_app_token: SecretStr | None = None
    """Slack app-level token (`xapp-…`, scope `connections:write`) for Socket Mode."""

    slack_signing_secret: SecretStr | None = None
    """Slack signing secret; requests to the Slack routes of `aurelius serve` are checked
    against it."""

    slack_base_url: check.RequiredHttpUrl = "https://slack.com/api/"
    """Slack Web API base as slack_sdk takes it."""

    bot_onboarding: Literal["open", "invite", "allowlist"] = "open"
    """Who may sign up from a chat: `open` (anyone), `invite` (only with a code from
    `aurelius link`), or `allowlist` (the ids in `bot_allowlist`)."""

    bot_allowlist: str = ""
    """Comma-separated Telegram/Slack user ids that may sign up under `allowlist`."""

    bot_rate_per_minute: check.AtLeastOne = 20
    """Messages one chat account may send per minute before it is asked to slow down."""

    max_body_kb: int = Field(default=256, ge=1, le=65536)
    """Largest request body `aurelius serve` accepts, in KiB; larger ones get 413 before
    they are read."""

    unauthenticated_rate_per_minute: int = Field(default=60, ge=1)
    """Requests per minute one client address may make to `aurelius serve` without a valid
    signature or secret (health checks count too); past it, 429 with `Retry-After`."""

    workday_start: check.ClockTime = "09:00"
    """Start of the working day; `cal free` looks for free time between start and end."""

    workday_end: check.ClockTime = "18:00"
    """End of the working day."""

    now: check.PinnedNow = None
    """Pin the current time (ISO 8601; naive means in `timezone`) for reproducible runs."""

    notify_webhook_url: check.HttpUrl = None
    """Default webhook for notifications (JSON POST, HMAC-signed when a secret is set); used
    for people who have configured no channel of their own."""

    notify_webhook_secret: SecretStr | None = None
    """Secret for the `X-Aurelius-Signature: sha256=HMAC(secret, "{timestamp}.{body}")` header."""

    smtp_host: str | None = None
    """SMTP server for e-mail notifications."""

    smtp_port: check.Port = 587
    """SMTP port."""

    smtp_username: str | None = None
    """SMTP login, if the server needs one."""

    smtp_password: SecretStr | None = None
    """SMTP password."""

    smtp_from: check.Email = "aurelius@localhost"
    """Sender address of notification e-mails."""

    smtp_starttls: bool = True
    """Upgrade the SMTP connection with STARTTLS."""

    tick_seconds: check.Seconds = 1.0
    """How often the scheduler looks for due reminders and briefs."""

    reminder_grace_minutes: check.Minutes = 15
    """After downtime, reminders overdue by less than this are sent (marked late); older ones
    go into a "missed while you were away" digest."""

    workers: check.AtLeastOne = 4
    """Worker threads of the embedded job queue (`aurelius run`)."""

    metrics_port: check.Port | None = None
    """Serve Prometheus metrics at `/metrics` on this port from `aurelius run`, `worker` and
    `scheduler` (`aurelius serve` always has `/metrics`). Several processes share one view
    through `PROMETHEUS_MULTIPROC_DIR` (see the README)."""

    metrics_host: str = "127.0.0.1"
    """Interface of the metrics port (`0.0.0.0` in a container, for the scraper)."""

    log_format: Literal["json", "console"] = "console"
    """`json`: one JSON object per line (production, log shippers); `console`: readable lines."""

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    """The least severe log level written by the long-running processes."""

    sentry_dsn: SecretStr | None = None
    """Report unhandled errors to Sentry (or a compatible service) at this DSN; needs the
    `sentry` extra. Events carry no personal data and no secrets."""

    environment: str = "production"
    """The environment name error reports are tagged with (`production`, `staging`...)."""

    doctor_min_free_mb: int = Field(default=500, ge=0)
    """`aurelius doctor` warns when the data dir's disk has less free space than this (MB)."""

    urgency_due: check.Weight = 12.0
    """Urgency weight of due-date proximity (overdue by a week or more counts in full)."""

    urgency_priority: check.Weight = 6.0
    """Urgency weight of priority; p1 counts in full, p2 0.65, p3 0.3, p4 nothing."""

    urgency_age: check.Weight = 2.0
    """Urgency weight of age; a task reaches the full weight at `urgency_age_max_days`."""

    urgency_age_max_days: check.Days = 365
    """Age in days at which the age term stops growing."""

    urgency_tags: check.Weight = 1.0
    """Urgency weight of having tags (one tag 0.8, two 0.9, three or more in full)."""

    urgency_project: check.Weight = 1.0
    """Urgency weight of belonging to a project."""

    # --- Connections (Google, Microsoft 365, CalDAV) --------------------------------------
    google_client_id: str | None = None
    """OAuth client id of your Google Cloud project (README: "Connecting Google")."""

    google_client_secret: SecretStr | None = None
    """OAuth client secret of that Google client."""

    microsoft_client_id: str | None = None
    """Application (client) id of your Microsoft Entra app registration."""

    microsoft_client_secret: SecretStr | None = None
    """Client secret of that app registration."""

    microsoft_tenant: str = "common"
    """Entra tenant: `common` (any account), `organizations`, `consumers` or a tenant id."""

    google_base_url: check.HttpUrl = None
    """One base URL that replaces every Google host (accounts, oauth2, www.googleapis.com,
    gmail), keeping the real paths: for tests and proxies."""

    microsoft_base_url: check.HttpUrl = None
    """One base URL that replaces login.microsoftonline.com and graph.microsoft.com, keeping
    the real paths: for tests and proxies."""

    public_url: check.HttpUrl = None
    """Where `aurelius serve` is reachable from browsers (OAuth callbacks, chat buttons)."""

    sync_minutes: check.AtLeastOne = 5
    """Linked calendars are pulled (and pending writes pushed) this often."""

    default_calendar: str | None = None
    """Name or id of the calendar new events go to (see `aurelius cal calendars`); unset:
    the local calendar."""

    signup: check.Signup = "invite"
    """Who may create an account by signing in with Google or Microsoft: `invite` (only
    addresses an admin invited with `aurelius admin invite EMAIL`), `domain:example.com` (any
    verified address at that domain) or `open` (any verified address)."""

    jwt_secret: check.JwtSecret = None
    """Key that signs session access tokens (HS256, at least 32 characters). Unset: a key
    derived from each key of the token vault's ring (AURELIUS_ENCRYPTION_KEYS or vault.key),
    so rotating the ring rotates it too."""

    encryption_keys: SecretStr | None = None
    """The token vault's key ring, `kid:base64key,...` (32-byte AES keys): the first seals,
    all open. Unset: a key file created in the data dir (mode 0600)."""

    backup_dir: Path | None = None
    """Where `aurelius backup` and the daily scheduled backup write (default: `backups/` in
    the data dir)."""

    backup_keep_daily: int = Field(default=7, ge=0, le=3660)
    """Scheduled backups kept: the newest of each of this many last days..."""

    backup_keep_weekly: int = Field(default=4, ge=0, le=520)
    """...and the newest of each of this many last ISO weeks."""

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _any_case(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("plan")
    @classmethod
    def _known_plan(cls, value: str, info: ValidationInfo) -> str:
        plans = info.data.get("ai_plans") or {}
        if plans and value not in plans:
            raise ValueError(f"must be one of the plans in ai_plans: {', '.join(plans)}")
        return value

    @field_validator("workday_end")
    @classmethod
    def _ends_after_start(cls, value: str, info: ValidationInfo) -> str:
        if "workday_start" in info.data:
            check.after(info.data["workday_start"], value)
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{data_dir() / 'aurelius.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        from aurelius import config_file  # it validates with this class: import late

        given = _file_values.get()
        if given is None:
            return init_settings, env_settings, InitSettingsSource(settings_cls, config_file.read())
        values, environment = given
        file = InitSettingsSource(settings_cls, values)
        return (init_settings, env_settings, file) if environment else (init_settings, file)


SECRET_FIELDS = frozenset(
    name for name, field in Settings.model_fields.items() if field.annotation == SecretStr | None
)
# Set while settings are read from already parsed file values (`config show` on a file with
# broken lines) instead of the file itself.
_file_values: ContextVar[tuple[dict[str, Any], bool] | None] = ContextVar(
    "file_values", default=None
)


def load_settings(*, file_values: dict[str, Any] | None = None, **overrides: Any) -> Settings:
    """Read the settings (the config file's content may be given as `file_values`); a bad
    value becomes a `ConfigError` naming the setting and where it came from."""
    from pydantic import ValidationError

    from core.errors import ConfigError

    try:
        return read_settings(file_values, **overrides)
    except ValidationError as exc:
        raise ConfigError(config_problem(exc)) from None


def read_settings(
    file_values: dict[str, Any] | None = None, *, environment: bool = True, **overrides: Any
) -> Settings:
    """Like `load_settings`, but invalid values raise pydantic's ValidationError;
    `environment=False` validates the file's values alone."""
    from pydantic_settings import SettingsError

    from core.errors import ConfigError

    token = _file_values.set(None if file_values is None else (file_values, environment))
    try:
        return Settings(**overrides)
    except SettingsError as exc:
        name = str(exc).partition('"')[2].partition('"')[0]
        raise ConfigError(f"{origin(name)}: {name} must be JSON, e.g. "
                          f"""AURELIUS_{name.upper()}='{{"economy": ["openai:gpt-4.1-mini"]}}'."""
                          ) from None
    finally:
        _file_values.reset(token)


def problems(exc: Any) -> list[tuple[str, str]]:
    """(setting, reason) for each error of a ValidationError, worded for people."""
    found = []
    for err in exc.errors():
        reason = err["msg"].replace("Value error, ", "").replace("Input should be", "must be")
        found.append((str(err["loc"][0]) if err["loc"] else "settings", reason))
    return found


def origin(name: str) -> str:
    """Where the value of setting `name` comes from, for an error message."""
    from aurelius import config_file

    variable = f"AURELIUS_{name.upper()}"
    if os.environ.get(variable):
        return variable
    line = config_file.line_of(name)
    return f"{config_path()} line {line}" if line else name


def config_problem(exc: Any) -> str:
    details = "; ".join(f"{origin(name)}: {name} {reason}" for name, reason in problems(exc))
    return (f"Invalid configuration ({details}). Fix it with `aurelius config set KEY VALUE` "
            "or in the environment; `aurelius config show` shows every setting.")
