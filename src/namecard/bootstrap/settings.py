"""Every setting, read once from the environment and validated at boot (the guide's names)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from namecard.bootstrap.production import production_problems
from namecard.bootstrap.settings_sources import Environment, NumberedGoogleKeys

DEFAULT_LINE_API = "https://api.line.me"
DEFAULT_LINE_DATA_API = "https://api-data.line.me"
DEFAULT_GEMINI_API = "https://generativelanguage.googleapis.com"
DEFAULT_NOTION_API = "https://api.notion.com"
LOOPBACK_HOST = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - with real LINE the service must be reachable


_OFFLINE_DESCRIPTIONS = {
    True: "offline reader: RapidOCR",
    False: "no card reader: set GOOGLE_API_KEY or OFFLINE_READER=true",
}


_REMOTE_SIMULATOR = (
    "HOST={} would open the built-in LINE simulator to other machines: set LINE_CHANNEL_SECRET "
    "and LINE_CHANNEL_ACCESS_TOKEN, or SIM_ALLOW_REMOTE=true to open it anyway"
)


# Settings that only work together: (first, second, what setting both or neither does).
_PAIRS = (
    ("line_channel_secret", "line_channel_access_token",
     "to use real LINE, or neither to use the built-in LINE simulator"),
    ("notion_api_key", "notion_database_id",
     "to save to Notion, or neither to use the local contact book"),
)  # fmt: skip


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Mode(StrEnum):
    REAL = "real"
    EMBEDDED = "embedded"


class Settings(BaseSettings):
    """One object for the whole service; each component receives only its own slice."""

    model_config = SettingsConfigDict(
        case_sensitive=False, extra="ignore", frozen=True, env_ignore_empty=True
    )

    # Deployment (issue 17): "production" refuses the development-only modes (bootstrap/production)
    environment: str = "development"
    max_instances: int = Field(1, ge=1, le=100)  # instances the platform may run (Zeabur scaling)

    # Server
    host: str = ""  # empty: 127.0.0.1 with the built-in LINE simulator, else 0.0.0.0
    sim_allow_remote: bool = False  # lets the simulator listen on a non-loopback HOST
    port: int = Field(8080, ge=1, le=65535)
    listen_backlog: int = Field(1024, ge=1, le=65535)  # connections waiting to be accepted
    workers: int = Field(1, ge=1, le=64)
    data_dir: Path = Path("data")
    log_level: str = "INFO"
    stats_token: SecretStr | None = None
    # Per client IP and hour: unsigned webhooks and operator requests without the token (0: off).
    ip_rate_per_hour: int = Field(100, ge=0)
    trusted_proxy_count: int = Field(1, ge=0, le=10)  # proxies appending X-Forwarded-For (Zeabur)

    # LINE
    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base_url: str = DEFAULT_LINE_API
    line_data_api_base_url: str = DEFAULT_LINE_DATA_API

    # Gemini
    google_api_key: SecretStr | None = None
    google_api_key_fallback: SecretStr | None = None
    google_api_keys_numbered: tuple[SecretStr, ...] = ()
    google_api_keys: SecretStr | None = None  # comma-separated, for platforms with few variables
    gemini_rpm: int | None = Field(None, ge=1)
    gemini_rpd: int | None = Field(None, ge=1)
    gemini_model: str = "gemini-3.8-flash"
    gemini_base_url: str = DEFAULT_GEMINI_API
    gemini_api_version: str = "v1beta"
    gemini_timeout_seconds: float = Field(30.0, gt=0)
    gemini_max_image_side: int = Field(2048, ge=256)

    # Offline reader and normalisation
    offline_reader: bool = True
    phone_region: str = Field("TW", min_length=2, max_length=2)

    # Notion
    notion_api_key: SecretStr | None = None
    notion_database_id: str | None = None
    notion_base_url: str = DEFAULT_NOTION_API
    notion_timeout_seconds: float = Field(20.0, gt=0)
    notion_rate_per_second: float = Field(3.0, gt=0)
    notion_duplicates: Literal["update", "create"] = "update"  # the same person seen again
    notion_burst: int = Field(3, ge=1)
    # Issue 15: how often the person index reads the pages edited in Notion since its last look.
    notion_index_refresh_seconds: float = Field(120.0, ge=1)

    # Redis
    redis_url: str | None = None

    # Pipeline
    # Issue 15: 50 users at once read in two Gemini rounds; the AI limit adapts below its ceiling.
    max_concurrent: int = Field(50, ge=1, le=1000)
    max_concurrent_ai: int = Field(30, ge=1, le=1000)
    queue_size: int = Field(1000, ge=1)
    job_deadline_seconds: float = Field(55.0, gt=0)
    reply_save_budget_seconds: float = Field(2.0, ge=0)
    save_deadline_seconds: float = Field(600.0, gt=0)
    max_image_mb: float = Field(10.0, gt=0)
    # Pixels a photo may make the service decode (ai/images.py: MAX_IMAGE_PIXELS, PIXEL_CEILING).
    max_image_pixels: int = Field(12_000_000, ge=1_000_000, le=60_000_000)
    max_webhook_body_kb: int = Field(1024, ge=1)
    dedupe_ttl_seconds: int = Field(24 * 3600, ge=60)
    drain_seconds: float = Field(25.0, ge=0)
    job_claim_idle_seconds: float = Field(30.0, gt=0)  # a dead worker's job moves on after this
    job_max_attempts: int = Field(3, ge=1)  # deliveries before a job goes to the dead letters
    local_queue_size: int = Field(1000, ge=0)  # photos held in process while Redis is down

    # Conversation (issue 8)
    reply_language: Literal["zh-TW", "en", "both"] = "zh-TW"
    batch_idle_minutes: float = Field(10.0, gt=0)
    batch_end_wait_seconds: float = Field(20.0, ge=0)  # 結束批次 waits this long for photos
    user_rate_per_min: int = Field(10, ge=1)  # photos of one user started per minute
    user_flood_limit: int = Field(100, ge=1)  # photos in USER_FLOOD_WINDOW_MINUTES → pause
    user_flood_window_minutes: float = Field(10.0, gt=0)
    user_pause_minutes: float = Field(10.0, gt=0)
    push_monthly_cap: int | None = Field(None, ge=0)  # LINE push messages per month, all users
    push_user_monthly_cap: int | None = Field(None, ge=0)  # … and per user

    # Result cache (the guide's names and defaults)
    cache_memory_mb: int = Field(200, ge=0)
    cache_memory_entries: int = Field(100, ge=0)
    cache_memory_ttl_seconds: int = Field(3600, ge=1)
    cache_redis_ttl_seconds: int = Field(24 * 3600, ge=1)
    cache_disk_mb: int = Field(1000, ge=0)
    cache_disk_ttl_seconds: int = Field(7 * 24 * 3600, ge=1)
    cache_empty_ttl_seconds: int = Field(600, ge=0)
    redis_key_prefix: str = ""  # prepended to every Redis key, to share one Redis between apps

    # Operators' view of the whole service (issue 16)
    instance_id: str = ""  # this instance's name in /stats; empty: {hostname}:{PORT}
    instance_gone_seconds: float = Field(60.0, gt=0)  # silent this long: shown as gone
    stats_recording: bool = True  # record figures in Redis for every worker (false: per process)
    metrics_flush_seconds: float = Field(1.0, gt=0)  # how often a worker writes its figures
    log_dir: Path = Path("logs")  # access.log and error.log
    log_files: bool = True  # false: the terminal only
    log_format: Literal["text", "json"] = "text"
    log_max_mb: float = Field(20.0, gt=0)  # a log file is rotated at this size
    log_backups: int = Field(5, ge=0)  # rotated files kept per log
    # prometheus_client's multiprocess folder; `namecard serve` with WORKERS > 1 makes one
    # when unset, and empties it at start either way (the start script does the same).
    prometheus_multiproc_dir: Path | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # load_settings() is the one reader of the environment, so tests can inject one.
        return (init_settings,)

    @model_validator(mode="before")
    @classmethod
    def _default_host(cls, data: Any) -> Any:
        """The built-in LINE simulator answers for every user, so it stays on this machine."""
        if isinstance(data, dict) and not data.get("host"):
            simulator = not data.get("line_channel_secret")
            data = {**data, "host": LOOPBACK_HOST if simulator else ALL_INTERFACES}
        return data

    @model_validator(mode="after")
    def _check_pairs(self) -> Settings:
        problems = [problem for pair in _PAIRS if (problem := _pair_problem(self, *pair))]
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            problems.append("REDIS_URL must start with redis://, rediss:// or unix://")
        if self.line_mode is Mode.EMBEDDED and not is_loopback(self.host):
            problems += [] if self.sim_allow_remote else [_REMOTE_SIMULATOR.format(self.host)]
        problems += production_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # Modes -----------------------------------------------------------------------------------
    @property
    def line_mode(self) -> Mode:
        return Mode.REAL if self.line_channel_secret else Mode.EMBEDDED

    @property
    def reader_name(self) -> str:
        """The card reader photos go to: gemini, offline, or none."""
        if self.gemini_keys:
            return "gemini"
        return "offline" if self.offline_reader else "none"

    @property
    def ai_mode(self) -> Mode:
        return Mode.REAL if self.gemini_keys else Mode.EMBEDDED

    @property
    def store_mode(self) -> Mode:
        return Mode.REAL if self.notion_api_key else Mode.EMBEDDED

    @property
    def state_mode(self) -> Mode:
        return Mode.REAL if self.redis_url else Mode.EMBEDDED

    @property
    def gemini_keys(self) -> tuple[SecretStr, ...]:
        """GOOGLE_API_KEY, GOOGLE_API_KEY_FALLBACK, GOOGLE_API_KEY_1..N, then the comma-separated
        GOOGLE_API_KEYS: de-duplicated, in that order."""
        listed = (
            [SecretStr(k.strip()) for k in self.google_api_keys.get_secret_value().split(",")]
            if self.google_api_keys
            else []
        )
        candidates = (
            self.google_api_key,
            self.google_api_key_fallback,
            *self.google_api_keys_numbered,
            *listed,
        )
        seen: dict[str, SecretStr] = {}
        for key in candidates:
            if key and key.get_secret_value() and key.get_secret_value() not in seen:
                seen[key.get_secret_value()] = key
        return tuple(seen.values())

    @property
    def max_image_bytes(self) -> int:
        return int(self.max_image_mb * 1024 * 1024)

    @property
    def max_webhook_body_bytes(self) -> int:
        return self.max_webhook_body_kb * 1024

    def modes(self) -> dict[str, Mode]:
        """Real or embedded, per dependency (public: no endpoint, no secret)."""
        return {
            "line": self.line_mode,
            "ai": self.ai_mode,
            "contacts": self.store_mode,
            "state": self.state_mode,
        }

    def describe_modes(self) -> dict[str, str]:
        """What `namecard doctor` and the start-up log print: modes and endpoints, never secrets."""
        real = Mode.REAL
        gemini = (
            f"gemini {self.gemini_model}, {len(self.gemini_keys)} key(s), {self.gemini_base_url}"
        )
        details = {
            "line": self.line_api_base_url if self.line_mode is real else "simulator",
            "ai": gemini if self.ai_mode is real else _OFFLINE_DESCRIPTIONS[self.offline_reader],
            "contacts": f"notion {self.notion_base_url}"
            if self.store_mode is real
            else f"local contact book in {self.data_dir}",
            "state": "redis" if self.state_mode is real else "in-process",
        }
        modes = self.modes()
        return {name: f"{modes[name]} ({detail})" for name, detail in details.items()}


def _pair_problem(settings: Settings, first: str, second: str, use: str) -> str | None:
    """Two settings that only work together: which one is missing, and what each choice does."""
    first_set, second_set = bool(getattr(settings, first)), bool(getattr(settings, second))
    if first_set == second_set:
        return None
    have, missing = (first, second) if first_set else (second, first)
    return f"{have.upper()} is set but {missing.upper()} is missing: set both {use}"


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read settings from `environ` (default: the process environment), numbered keys included."""
    env = dict(os.environ if environ is None else environ)
    values = {**Environment(Settings, env)(), **NumberedGoogleKeys(Settings, env)()}
    return Settings(**{**values, **overrides})


def describe_errors(exc: Exception) -> str:
    """A settings failure as plain sentences, never echoing an input value (it may be a secret)."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in error["loc"]).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return "invalid configuration: " + "; ".join(lines)
