"""What `ENVIRONMENT=production` refuses: modes that only make sense on a developer's machine.

A production start that would silently run on the built-in LINE simulator (healthy, answering
nobody) or split its state between processes (each worker its own batches, rate limits, dedupe
and key pool) stops with a sentence naming the variables instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from namecard.bootstrap.settings import Settings

PRODUCTION = "production"

SIMULATOR_IN_PRODUCTION = (
    "ENVIRONMENT=production needs real LINE credentials: set LINE_CHANNEL_SECRET and "
    "LINE_CHANNEL_ACCESS_TOKEN (the built-in LINE simulator is a development mode only)"
)
SPLIT_STATE_IN_PRODUCTION = (
    "ENVIRONMENT=production with WORKERS={workers} and MAX_INSTANCES={instances} needs REDIS_URL: "
    "without it every process keeps its own batches, rate limits, webhook dedupe and Gemini key "
    "pool; set REDIS_URL, or WORKERS=1 and MAX_INSTANCES=1"
)


def is_production(settings: Settings) -> bool:
    return settings.environment.strip().lower() == PRODUCTION


def production_problems(settings: Settings) -> list[str]:
    """The sentences a production start is refused with (empty outside production)."""
    if not is_production(settings):
        return []
    problems = []
    if not settings.line_channel_secret:
        problems.append(SIMULATOR_IN_PRODUCTION)
    if not settings.redis_url and (settings.workers > 1 or settings.max_instances > 1):
        problems.append(
            SPLIT_STATE_IN_PRODUCTION.format(
                workers=settings.workers, instances=settings.max_instances
            )
        )
    return problems
