"""Runs the app under Hypercorn: one process in-loop, or several worker processes."""

from __future__ import annotations

import asyncio
import logging
import signal

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config
from quart import Quart

from namecard.api.app import create_app
from namecard.api.context import SERVICES_KEY
from namecard.bootstrap.logging_setup import configure_logging
from namecard.bootstrap.services import Services
from namecard.bootstrap.settings import Mode, Settings, is_loopback
from namecard.domain.errors import ConfigError
from namecard.state.refusal import check_redis_url

logger = logging.getLogger(__name__)

GRACE_MARGIN_SECONDS = 5.0
CONFIG_ERROR_EXIT = 2  # as for settings that do not validate


def hypercorn_config(settings: Settings) -> Config:
    config = Config()
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    config.bind = [f"{host}:{settings.port}"]
    # Hypercorn's default of 100 dropped SYNs in a burst of 200 connections (each costing the
    # client a 1 s retransmit); the kernel caps it at net.core.somaxconn.
    config.backlog = settings.listen_backlog
    config.graceful_timeout = settings.drain_seconds + GRACE_MARGIN_SECONDS
    config.accesslog = None
    config.errorlog = logging.getLogger("hypercorn.error")  # through our handlers, once
    config.keep_alive_timeout = 75.0  # above typical proxy idle timeouts
    return config


def effective_workers(settings: Settings) -> int:
    if settings.workers > 1 and (
        settings.state_mode is Mode.EMBEDDED or settings.line_mode is Mode.EMBEDDED
    ):
        logger.warning(
            "WORKERS=%d reduced to 1: without REDIS_URL (or with the embedded LINE simulator) "
            "state lives in one process",
            settings.workers,
        )
        return 1
    return settings.workers


def announce_listening(settings: Settings) -> None:
    url = f"http://{settings.host}:{settings.port}"
    if settings.line_mode is Mode.REAL:
        logger.info("namecard listening on %s", url)
    elif is_loopback(settings.host):
        logger.info(
            "namecard listening on %s, this machine only: the built-in LINE simulator is "
            "mounted (real LINE credentials, or HOST with SIM_ALLOW_REMOTE=true, open it)",
            url,
        )
    else:
        logger.warning(
            "namecard listening on %s with the built-in LINE simulator open to other machines "
            "(SIM_ALLOW_REMOTE=true): anyone who reaches this port can talk to it",
            url,
        )


def serve(settings: Settings) -> int:
    configure_logging(settings.log_level)
    if settings.redis_url and not _redis_accepts_us(settings.redis_url):
        return CONFIG_ERROR_EXIT
    config = hypercorn_config(settings)
    workers = effective_workers(settings)
    announce_listening(settings)
    if workers > 1:
        from hypercorn.run import run

        config.application_path = "namecard.asgi:app"
        config.workers = workers
        return int(run(config))
    asyncio.run(_serve_one(settings, config))
    return 0


def _redis_accepts_us(url: str) -> bool:
    """False when Redis refuses our credentials or database (the sentence naming REDIS_URL is
    logged); an unreachable Redis is accepted: the service starts degraded and waits for it."""
    try:
        asyncio.run(check_redis_url(url))
    except ConfigError:
        return False
    return True


async def _serve_one(settings: Settings, config: Config) -> None:
    """On SIGTERM the server keeps answering while the work in hand drains: /health says
    503 `shutting_down` (the autoscaler stops sending work) and webhooks get 503 so LINE
    redelivers them elsewhere; then Hypercorn stops."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    app = create_app(settings)
    draining: list[asyncio.Task[None]] = []

    def on_signal() -> None:
        if not draining:
            draining.append(loop.create_task(_drain_then_stop(app, stop)))

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    await hypercorn_serve(app, config, shutdown_trigger=stop.wait)


async def _drain_then_stop(app: Quart, stop: asyncio.Event) -> None:
    services: Services | None = app.extensions.get(SERVICES_KEY)
    try:
        if services is not None:
            logger.info("SIGTERM: draining before stopping")
            await services.drain()
    finally:
        stop.set()
