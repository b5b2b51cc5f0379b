"""Process-wide logging, configured by the entry points (never at import time).

Every process (the server, each Hypercorn worker) writes the terminal and, unless LOG_FILES is
false, `logs/error.log` (the application's log, the guide's name) and `logs/access.log` (one line
per HTTP request), rotated by size. Several worker processes share the files:
concurrent-log-handler rotates them under a file lock, which the standard RotatingFileHandler
does not. Each line a job writes names its job id and hashed user id (pipeline/log_context.py).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from concurrent_log_handler import ConcurrentRotatingFileHandler
from pythonjsonlogger.json import JsonFormatter

from namecard.bootstrap.settings import Settings
from namecard.pipeline.log_context import NO_JOB, current_job

FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s:%(job)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s"
NOISY_LOGGERS = ("hpack", "httpx", "httpcore", "aiohttp.access", "google_genai", "urllib3")
ACCESS_LOGGER = "hypercorn.access"  # what serve.py hands Hypercorn as its access log
ERROR_LOG, ACCESS_LOG = "error.log", "access.log"
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class LogFiles:
    directory: Path
    max_mb: float
    backups: int


class JobFields(logging.Filter):
    """Adds the running job to each record: `job` for the text format, `job_id` and
    `user_hash` for JSON (absent outside a job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        job = current_job.get()
        record.job = "" if job is NO_JOB else f" job={job.job_id} user={job.user_hash}"
        if job is not NO_JOB:
            record.job_id, record.user_hash = job.job_id, job.user_hash
        return True


def configure_from(settings: Settings) -> None:
    """Logging as the settings say (LOG_LEVEL, LOG_FORMAT, LOG_FILES, LOG_DIR, LOG_MAX_MB,
    LOG_BACKUPS)."""
    files = (
        LogFiles(settings.log_dir, settings.log_max_mb, settings.log_backups)
        if settings.log_files
        else None
    )
    configure_logging(settings.log_level, log_format=settings.log_format, files=files)


def configure_logging(
    level: str,
    *,
    log_format: Literal["text", "json"] = "text",
    files: LogFiles | None = None,
) -> None:
    root = logging.getLogger()
    root.setLevel(level.upper())
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if root.handlers:  # a test runner or an embedding program set it up
        return
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if files is not None:
        handlers.append(_rotating(files, ERROR_LOG))
        _access_log(files, log_format)
    for handler in handlers:
        handler.setFormatter(_formatter(log_format))
        handler.addFilter(JobFields())
        root.addHandler(handler)


def _formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "asctime": "time"})
    return logging.Formatter(FORMAT)


def _access_log(files: LogFiles, log_format: str) -> None:
    """Hypercorn's access lines (already stamped with time and client) go to access.log only."""
    access = logging.getLogger(ACCESS_LOGGER)
    handler = _rotating(files, ACCESS_LOG)
    plain = logging.Formatter("%(message)s")
    handler.setFormatter(_formatter("json") if log_format == "json" else plain)
    access.handlers = [handler]
    access.setLevel(logging.INFO)
    access.propagate = False


def _rotating(files: LogFiles, name: str) -> logging.Handler:
    files.directory.mkdir(parents=True, exist_ok=True)
    return ConcurrentRotatingFileHandler(
        str(files.directory / name), maxBytes=int(files.max_mb * MB), backupCount=files.backups,
        encoding="utf-8", use_gzip=False,
    )  # fmt: skip
