"""Map ``SIGNAGE_*`` environment variables to typed settings.

This module is the only reader of ``os.environ`` in the application. Settings are
loaded in a fixed order: defaults, then the environment, then explicit overrides
(tests pass overrides to :func:`signage_server.create_app`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from signage_server.accounts.rules import LockoutPolicy

PREFIX = "SIGNAGE_"


class ConfigError(RuntimeError):
    """Raised at start-up when a setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Typed application settings.

    Every field can be set from the environment as ``SIGNAGE_<FIELD NAME IN CAPITALS>``.
    """

    #: ``development`` (default) or ``production``. Production refuses to start without
    #: an explicit secret key and a public URL.
    env: str = "development"
    #: SQLAlchemy URL; default: SQLite file ``signage.db`` in the data directory.
    database_url: str = ""
    #: Redis URL; when set, Redis backs rate limits, the Socket.IO queue and print jobs.
    redis_url: str = ""
    #: Redis channel of the Socket.IO message queue (installations sharing a Redis differ here).
    socketio_channel: str = "signage-socketio"
    #: RQ queue of print jobs, served by ``signage worker`` (with ``redis_url``; installations
    #: sharing a Redis differ here too).
    print_queue: str = "signage-print"
    #: Secret for sessions and CSRF tokens. Generated and kept in the data directory when
    #: unset outside production.
    secret_key: str = ""
    #: Base URL that villagers reach (QR links); default ``http://127.0.0.1:8080``.
    public_url: str = "http://127.0.0.1:8080"
    #: Key of the audit chain's HMAC (hex digits or text). Generated once into
    #: ``<data dir>/audit_key`` (mode 0600) when unset. Never kept in the database: whoever
    #: can write to the database without it cannot forge records. Back it up; see
    #: README.md ("The audit key") and docs/OPERATIONS.md.
    audit_key: str = ""
    #: Where the SQLite database, assets and archives live; default: the instance folder.
    data_dir: str = ""
    #: Password for the demo users; generated and kept in the data directory when unset.
    demo_password: str = ""
    #: Default interface language (``zh_Hans_CN`` or ``en``).
    default_locale: str = "zh_Hans_CN"
    #: Time zone used to display times.
    timezone: str = "Asia/Shanghai"
    #: Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    trusted_proxies: int = 0
    #: Log level for the ``signage_server`` loggers.
    log_level: str = "INFO"
    #: ``text`` (default): one readable line per record; ``json``: one JSON object per line
    #: (time in ISO 8601 UTC, level, logger, message; the access log adds the request's id,
    #: method, path, status and duration; an exception its traceback as ``exc_info``).
    log_format: str = "text"
    #: Bearer token that unlocks ``GET /metrics`` (Prometheus); unset: no such address (404).
    metrics_token: str = ""
    #: Login attempts allowed per client address and per user name.
    login_rate_limit: str = "10 per minute"
    #: Failed logins in a row under one user name before it is locked ...
    login_lockout_after: int = 5
    #: ... for this many minutes, doubling with each further failure ...
    login_lockout_minutes: int = 1
    #: ... up to this many minutes (a success, or twice this long without failure, resets it).
    login_lockout_max_minutes: int = 1440
    #: Requests per minute allowed per API token (or address, when unauthenticated).
    api_rate_limit: str = "600 per minute"
    #: Feedback submissions allowed per client address (the form is public).
    feedback_rate_limit: str = "5 per minute;30 per hour;100 per day"
    #: Tracking-page lookups allowed per client address.
    track_rate_limit: str = "30 per minute"
    #: Receipt look-ups at the village office's counter per logged-in user (staff side).
    lookup_rate_limit: str = "20 per minute;200 per day"
    #: Public disclosure pages (``/p/<org>``) served per client address (many phones may share
    #: one address behind a carrier's NAT; the pages are cacheable for a minute).
    public_page_rate_limit: str = "120 per minute"
    #: Democratic appraisal (民主评议): how one-time codes reach villagers' phones. ``log``
    #: (default: the code is written to the server log, for development and the demo, and the
    #: page says so; production sends no code this way) or ``http`` (a generic HTTPS gateway,
    #: see :mod:`signage_server.appraisal.sms`).
    sms_backend: str = "log"
    #: The ``http`` gateway's address (HTTPS) and its key (sent as ``Authorization: Bearer``).
    sms_url: str = ""
    sms_key: str = ""
    #: One-time codes requested per client address (a number also gets at most
    #: ``appraisal_sends_per_hour`` codes an hour per appraisal).
    appraisal_code_rate_limit: str = "3 per minute;20 per hour"
    appraisal_sends_per_hour: int = 3
    #: Codes checked and ballots cast per client address.
    appraisal_rate_limit: str = "20 per minute;200 per hour"
    #: Working days for feedback duties over the defaults of DESIGN.md §5, e.g.
    #: ``request=10,question=10,comment=15,report_acknowledge=15,report_reply=15``.
    feedback_days: str = ""
    #: argon2 parameters (the library defaults are RFC 9106's second recommendation).
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4
    #: Largest request body accepted, in bytes.
    max_content_length: int = 32 * 1024 * 1024
    #: Seconds a PDF upload may take to be checked and rendered into page images (a child
    #: process, killed after this).
    pdf_render_timeout: int = 60
    #: PDFs rendered at once; more uploads wait for a slot up to the timeout, then get 503.
    pdf_render_concurrency: int = 2
    #: Pages a PDF may have (more: refused with 422).
    pdf_max_pages: int = 100
    #: Proof-of-play records stored per screen and minute (more are deferred: the player sends
    #: them again later).
    played_per_minute: int = 300
    #: Days a screen's snapshots (taken by its box agent, ``fleet.snapshots``) are kept.
    snapshot_keep_days: int = 90
    #: Session lifetime in hours (operators are logged out after this much inactivity).
    session_hours: int = 12
    #: Longest a login session lasts, however active, in days.
    session_max_days: int = 7
    #: Seconds the scheduler's lease lasts unless renewed: one process of the installation
    #: does the scheduler's rounds, renewing it each round; when it dies another takes over
    #: after at most this long (plus a round).
    scheduler_lease_seconds: int = 30
    #: Mail of the daily supervision digest (``signage supervision digest``): the SMTP host
    #: (empty: no mail is sent), port, sender address, optional login, STARTTLS.
    mail_host: str = ""
    mail_port: int = 25
    mail_sender: str = ""
    mail_user: str = ""
    mail_password: str = ""
    mail_starttls: bool = False
    #: Tests only: a file holding the time the app takes for now (see
    #: :class:`signage_server.clock.FileClock`); refused in production.
    test_clock: str = ""
    #: Benchmarks only (``signage bench push``): the ``/bench`` Socket.IO namespace, whose
    #: ``floor`` event broadcasts a bare payload to every player; refused in production.
    bench_trigger: bool = False

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def lockout(self) -> LockoutPolicy:
        """The growing lockout of user names after failed logins."""
        # lazy: importing a domain package loads Flask (its __init__); config stays free of it.
        from signage_server.accounts.rules import LockoutPolicy

        return LockoutPolicy(
            after=self.login_lockout_after,
            first=dt.timedelta(minutes=self.login_lockout_minutes),
            longest=dt.timedelta(minutes=self.login_lockout_max_minutes),
        )

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


_BOOL_TRUE = {"1", "true", "yes", "on"}


def _coerce(field: dataclasses.Field[Any], raw: str) -> Any:
    name = PREFIX + field.name.upper()
    if field.type in ("int", int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if field.type in ("bool", bool):
        return raw.strip().lower() in _BOOL_TRUE
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Build :class:`Settings` from defaults, then ``environ``, then ``overrides``.

    :param environ: the environment to read; ``os.environ`` when omitted.
    :param overrides: values that win over the environment (keys are field names).
    :raise ConfigError: when a value is malformed or an override names no setting.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    for name, field in fields.items():
        raw = environ.get(PREFIX + name.upper())
        if raw is not None and raw != "":
            values[name] = _coerce(field, raw)
    for name, value in (overrides or {}).items():
        if name not in fields:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = value
    settings = Settings(**values)
    if settings.env not in ("development", "production"):
        raise ConfigError(
            f"SIGNAGE_ENV must be 'development' or 'production', got {settings.env!r}"
        )
    if settings.production and not settings.secret_key:
        raise ConfigError("SIGNAGE_SECRET_KEY must be set in production (a long random string)")
    if settings.production and settings.test_clock:
        raise ConfigError("SIGNAGE_TEST_CLOCK is for tests: production keeps the real time")
    if settings.production and settings.bench_trigger:
        raise ConfigError("SIGNAGE_BENCH_TRIGGER is for benchmarks: production refuses it")
    # lazy: importing a domain package loads Flask (its __init__); config stays free of it.
    from signage_server.feedback.rules import parse_days

    try:
        parse_days(settings.feedback_days)
    except ValueError as error:
        raise ConfigError(f"SIGNAGE_FEEDBACK_DAYS: {error}") from None
    if settings.login_lockout_after < 1 or settings.login_lockout_minutes < 1:
        raise ConfigError("SIGNAGE_LOGIN_LOCKOUT_AFTER and _MINUTES must be at least 1")
    if settings.login_lockout_max_minutes < settings.login_lockout_minutes:
        raise ConfigError("SIGNAGE_LOGIN_LOCKOUT_MAX_MINUTES must be at least _MINUTES")
    if settings.session_max_days < 1:
        raise ConfigError("SIGNAGE_SESSION_MAX_DAYS must be at least 1")
    if settings.pdf_render_timeout < 1 or settings.pdf_render_concurrency < 1:
        raise ConfigError(
            "SIGNAGE_PDF_RENDER_TIMEOUT and SIGNAGE_PDF_RENDER_CONCURRENCY must be at least 1"
        )
    if settings.played_per_minute < 1:
        raise ConfigError("SIGNAGE_PLAYED_PER_MINUTE must be at least 1")
    if settings.snapshot_keep_days < 1:
        raise ConfigError("SIGNAGE_SNAPSHOT_KEEP_DAYS must be at least 1")
    if settings.pdf_max_pages < 1:
        raise ConfigError("SIGNAGE_PDF_MAX_PAGES must be at least 1")
    if settings.log_format not in ("text", "json"):
        raise ConfigError(
            f"SIGNAGE_LOG_FORMAT must be 'text' or 'json', got {settings.log_format!r}"
        )
    if settings.metrics_token and len(settings.metrics_token) < 16:
        raise ConfigError("SIGNAGE_METRICS_TOKEN must be at least 16 characters (a random string)")
    if settings.scheduler_lease_seconds < 5:
        raise ConfigError("SIGNAGE_SCHEDULER_LEASE_SECONDS must be at least 5")
    if settings.default_locale not in ("zh_Hans_CN", "en"):
        raise ConfigError("SIGNAGE_DEFAULT_LOCALE must be 'zh_Hans_CN' or 'en'")
    if settings.sms_backend not in ("log", "http"):
        raise ConfigError(
            f"SIGNAGE_SMS_BACKEND must be 'log' or 'http', got {settings.sms_backend!r}"
        )
    if settings.sms_backend == "http" and not settings.sms_url.startswith("https://"):
        raise ConfigError(
            "SIGNAGE_SMS_URL must be an https:// address with SIGNAGE_SMS_BACKEND=http"
        )
    if settings.appraisal_sends_per_hour < 1:
        raise ConfigError("SIGNAGE_APPRAISAL_SENDS_PER_HOUR must be at least 1")
    if settings.data_dir:
        # A relative SIGNAGE_DATA_DIR is taken from the current directory.
        settings = dataclasses.replace(settings, data_dir=str(Path(settings.data_dir).resolve()))
    return settings


def resolve_paths(settings: Settings, instance_path: str) -> Settings:
    """Fill in the data directory, database URL and secret key that depend on the filesystem.

    A development secret key is generated once and stored with mode 0600 in the data
    directory so that sessions survive restarts.
    """
    data_dir, database_url = installation_paths(settings, instance_path)
    data_dir.mkdir(parents=True, exist_ok=True)
    secret_key = settings.secret_key or read_or_create_secret(data_dir / "secret_key")
    audit_key = settings.audit_key or read_or_create_secret(data_dir / AUDIT_KEY_FILE)
    return dataclasses.replace(
        settings,
        data_dir=str(data_dir),
        database_url=database_url,
        secret_key=secret_key,
        audit_key=audit_key,
    )


def installation_paths(settings: Settings, instance_path: str) -> tuple[Path, str]:
    """Return the data directory and the database URL of ``settings`` (creating nothing)."""
    data_dir = Path(settings.data_dir or instance_path).resolve()
    return data_dir, settings.database_url or f"sqlite:///{data_dir / 'signage.db'}"


#: The generated audit key, in the data directory (when ``SIGNAGE_AUDIT_KEY`` is unset).
AUDIT_KEY_FILE = "audit_key"
#: The append-only log witnessing the audit chain's head, in the data directory.
AUDIT_HEAD_LOG = "audit-head.log"


def audit_key_bytes(settings: Settings) -> bytes:
    """Return the audit key of resolved ``settings`` as bytes: hex digits (at least 32) are
    decoded, any other text is taken as its UTF-8 bytes.

    :raise ConfigError: no key (settings not resolved).
    """
    text = settings.audit_key.strip()
    if not text:
        raise ConfigError("SIGNAGE_AUDIT_KEY is empty (settings not resolved?)")
    if len(text) >= 32 and len(text) % 2 == 0:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    return text.encode("utf-8")


def audit_head_log(settings: Settings) -> Path:
    """Return where the audit head log of resolved ``settings`` is kept."""
    return Path(settings.data_dir) / AUDIT_HEAD_LOG


def read_or_create_secret(path: Path, nbytes: int = 32) -> str:
    """Return the secret stored at ``path``, creating it (mode 0600) when missing."""
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    value = secrets.token_urlsafe(nbytes)
    try:
        # Exclusive: processes starting together (server, scheduler) must not each write a
        # different key (for the audit key, that would seal records no one can verify).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):
            existing = path.read_text(encoding="utf-8").strip()
            if existing:
                return existing
            time.sleep(0.02)
        raise ConfigError(f"{path} exists but is empty: delete it or set its value") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value


def is_set(name: str) -> bool:
    """Tell whether the setting ``name`` (e.g. ``public_url``) comes from the environment."""
    return bool(os.environ.get(PREFIX + name.upper()))


def child_environment(**settings: str) -> dict[str, str]:
    """Return this process's environment without any ``SIGNAGE_*`` variable, plus ``settings``
    (``data_dir="…"`` becomes ``SIGNAGE_DATA_DIR``): for a separate installation run as a
    child process (benchmarks)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    return env | {PREFIX + k.upper(): v for k, v in settings.items()}
