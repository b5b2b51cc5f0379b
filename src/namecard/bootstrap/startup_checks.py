"""Start-up checks: stop on a configuration that cannot work, warn about one that is unsafe."""

from __future__ import annotations

import logging

from namecard.bootstrap.settings import Mode, Settings

logger = logging.getLogger(__name__)

PUBLIC_OPERATOR_ENDPOINTS = "/stats, /performance-report and /metrics"


def warn_if_operator_endpoints_public(settings: Settings) -> None:
    """A real LINE channel means a public deployment: its counters should not be."""
    if settings.line_mode is Mode.REAL and settings.stats_token is None:
        logger.warning(
            "STATS_TOKEN is not set: %s are public; set STATS_TOKEN to require "
            "Authorization: Bearer <STATS_TOKEN>",
            PUBLIC_OPERATOR_ENDPOINTS,
        )
