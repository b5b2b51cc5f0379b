"""Runs the app under Hypercorn: one process in-loop, or several worker processes."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import os
import signal
import socket
import sys
import tempfile
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import TYPE_CHECKING

from hypercorn.config import Config

from namecard.bootstrap.logging_setup import ACCESS_LOGGER, configure_from
from namecard.bootstrap.settings import Mode, Settings, is_loopback
from namecard.domain.errors import ConfigError
from namecard.state.refusal import check_redis_url

if TYPE_CHECKING:
    from quart import Quart

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
    # One line per request in logs/access.log (configure_from gives this logger its file; a
    # worker process finds the logger by name and sets it up the same way).
    config.accesslog = logging.getLogger(ACCESS_LOGGER) if settings.log_files else None
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


def port_problem(settings: Settings) -> str | None:
    """Why the server could not listen on HOST:PORT, checked by binding it (as Hypercorn will,
    with SO_REUSEADDR) before anything says "listening"; None when it can."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host.strip("[]"), settings.port))
        except OSError as exc:
            where = f"{settings.host}:{settings.port}"
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"port {settings.port} is already in use on {settings.host} (another "
                    f"namecard?): stop it, or set PORT (or --port) to a free port"
                )
            return f"cannot listen on {where} ({exc.strerror}): check HOST and PORT"
    return None


def check(settings: Settings) -> int:
    """`namecard serve --check`: the settings validated (by now) and the port free."""
    problem = port_problem(settings)
    if problem is not None:
        print(f"namecard: {problem}", file=sys.stderr)
        return CONFIG_ERROR_EXIT
    print(f"namecard: ready to serve on {settings.host}:{settings.port}")
    return 0


def serve(settings: Settings) -> int:
    configure_from(settings)
    if (problem := port_problem(settings)) is not None:
        print(f"namecard: {problem}", file=sys.stderr)
        return CONFIG_ERROR_EXIT
    if settings.redis_url and not _redis_accepts_us(settings.redis_url):
        return CONFIG_ERROR_EXIT
    config = hypercorn_config(settings)
    workers = effective_workers(settings)
    announce_listening(settings)
    if workers > 1:
        from namecard.cli.workers import run_workers

        config.application_path = "namecard.asgi:app"
        config.workers = workers
        prepare_multiprocess_metrics(settings)  # before the preload imports prometheus_client
        return run_workers(config, workers)
    asyncio.run(_serve_one(settings, config))
    return 0


def prepare_multiprocess_metrics(settings: Settings) -> Path:
    """Prometheus's multiprocess folder for the workers about to start: PROMETHEUS_MULTIPROC_DIR
    or a new one, emptied (a previous run's values would be counted again); the workers inherit
    the variable and prometheus_client reads it when they import it."""
    folder = settings.prometheus_multiproc_dir or Path(tempfile.mkdtemp(prefix="namecard-prom-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    logger.info("prometheus multiprocess mode: %d workers share %s", settings.workers, folder)
    return folder


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
    redelivers them elsewhere; then Hypercorn stops. The app is imported here, not at the top:
    with WORKERS > 1 the master imports modules only, for its forked workers to share, and
    builds no app (cli/workers.py, issue 19)."""
    from hypercorn.asyncio import serve as hypercorn_serve

    from namecard.api.app import create_app
    from namecard.api.home import next_steps

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    app = create_app(settings)
    draining: list[asyncio.Task[None]] = []

    @app.while_serving
    async def say_where_to_go() -> AsyncGenerator[None, None]:
        # Registered after create_app's own: runs once the services are open.
        for line in next_steps(app, settings):
            logger.info("%s", line)
        yield

    @app.while_serving
    async def freeze_startup_heap() -> AsyncGenerator[None, None]:
        # What start-up built (modules, SDK models and schemas, clients) lives as long as the
        # process: out of the collector's sight, a full collection walks only what requests
        # made. It took ~0.1 s, paused mid-burst, when it walked everything (issue 15). Start-up's
        # own garbage is collected first, or it would be kept for good.
        gc.collect()
        gc.freeze()
        yield

    received: list[signal.Signals] = []

    def on_signal(sig: signal.Signals) -> None:
        if not draining:
            received.append(sig)
            draining.append(loop.create_task(_drain_then_stop(app, stop, sig)))

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    await hypercorn_serve(app, config, shutdown_trigger=stop.wait)
    if received:
        logger.info("namecard stopped (%s)", received[0].name)


async def _drain_then_stop(app: Quart, stop: asyncio.Event, received: signal.Signals) -> None:
    from namecard.api.context import SERVICES_KEY
    from namecard.bootstrap.services import Services

    services: Services | None = app.extensions.get(SERVICES_KEY)
    try:
        logger.info("%s received: draining before stopping", received.name)
        if services is not None:
            await services.drain()
    finally:
        stop.set()
