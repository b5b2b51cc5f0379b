"""Process-wide logging, configured by the entry points (never at import time)."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
NOISY_LOGGERS = ("hpack", "httpx", "httpcore", "aiohttp.access", "google_genai", "urllib3")


def configure_logging(level: str) -> None:
    root = logging.getLogger()
    if root.handlers:  # Hypercorn or a test runner already set it up
        root.setLevel(level.upper())
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
