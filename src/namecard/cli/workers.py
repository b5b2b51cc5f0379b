"""WORKERS > 1: worker processes forked from a master that has imported what a worker imports,
so the memory holding those modules is one copy shared by every worker (issue 19).

Hypercorn's own `hypercorn.run.run` starts its workers with the "spawn" method, hard-coded
(hypercorn 0.18): each worker is a new interpreter that imports line-bot-sdk, google-genai,
Quart, pydantic-settings and our code again, ~120 MB per worker of which nothing is shared.
`run_workers` is that function's loop (start the workers; a worker that exits cleanly is
replaced, one that fails stops them all; SIGINT/SIGTERM stop, SIGHUP restarts the workers)
with the "fork" method and Hypercorn's own worker function, unchanged. Hand-written because
the start method is not a setting of Hypercorn's.

Only modules are made before the fork. Each worker still reads its settings and builds its app
(`namecard.asgi`) itself, so whatever has a process's identity (pid, stream consumer name,
connections, event loop, metric files) is made after it, as under spawn. The master starts no
thread: a thread alive at the fork would leave its locks held in the children, so `preload`
refuses to fork then. `gc.freeze()` after the imports keeps the collector from writing to the
shared objects' pages (a full collection would otherwise copy them into every worker).
One difference from spawn: the workers SIGHUP restarts are forked from the same preloaded
modules, so code changed on disk needs the process restarted (as a deploy does), not SIGHUP.
"""

from __future__ import annotations

import gc
import importlib
import logging
import multiprocessing
import signal
import threading
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import Any

from hypercorn.asyncio.run import asyncio_worker
from hypercorn.config import Config, Sockets
from hypercorn.utils import write_pid_file

logger = logging.getLogger(__name__)

# The heavy imports of a serving worker, as the second pass's `python -X importtime` of one
# listed them (docs/decisions.md, issue 19; they pull in Quart, pydantic and the rest); what a
# worker imports beyond these is its own. namecard.asgi itself is not here: importing it reads
# settings and builds the app.
PRELOAD = (
    "namecard.api.app",
    "namecard.bootstrap.services",
    "namecard.bootstrap.clients",
    "namecard.bootstrap.readers",
    "linebot.v3.messaging",
    "linebot.v3.webhooks",
    "google.genai",
    "notion_client",
    "redis.asyncio",
    "aiohttp",
    "httpx",
    "prometheus_client",
    "hypercorn.asyncio",
)


def preload(modules: tuple[str, ...] = PRELOAD) -> None:
    """Import `modules` and move everything alive out of the collector's sight."""
    for name in modules:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
    if threading.active_count() > 1:
        names = ", ".join(t.name for t in threading.enumerate() if t is not threading.main_thread())
        raise RuntimeError(f"a thread is running before the workers are forked: {names}")


def run_workers(config: Config, workers: int) -> int:
    """Serve `config.application_path` with `workers` forked processes until a signal (or a
    failed worker) stops them; the exit code is the first failed worker's, else 0."""
    if config.pid_path is not None:
        write_pid_file(config.pid_path)
    sockets = config.create_sockets()
    preload()
    try:
        return _Master(config, sockets, workers).run()
    finally:
        for sock in (*sockets.secure_sockets, *sockets.insecure_sockets):
            sock.close()


class _Master:
    def __init__(self, config: Config, sockets: Sockets, workers: int) -> None:
        self.config, self.sockets, self.workers = config, sockets, workers
        self.ctx = multiprocessing.get_context("fork")
        self.shutdown_event = self.ctx.Event()
        self.processes: list[BaseProcess] = []
        self.active = True

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._shutdown)
        signal.signal(signal.SIGHUP, self._reload)
        exitcode = 0
        while self.active:
            self._populate()
            wait(process.sentinel for process in self.processes)
            exitcode = _join_exited(self.processes)
            if exitcode != 0:
                self.shutdown_event.set()
                self.active = False
        for process in self.processes:
            process.terminate()
        return _join_exited(self.processes) if exitcode != 0 else exitcode

    def _populate(self) -> None:
        if len(self.processes) < self.workers:
            logger.info("forking %d workers", self.workers - len(self.processes))
        while len(self.processes) < self.workers:
            process = self.ctx.Process(
                target=_worker, args=(self.config, self.sockets, self.shutdown_event)
            )
            process.daemon = self.config.daemon
            process.start()
            self.processes.append(process)

    def _reload(self, *_: Any) -> None:
        self.shutdown_event.set()
        for process in self.processes:
            process.join()
        self.shutdown_event.clear()

    def _shutdown(self, *_: Any) -> None:
        self.shutdown_event.set()
        self.active = False


def _worker(config: Config, sockets: Sockets, shutdown_event: Event) -> None:
    """A forked worker keeps the master's handlers until it resets them: as under spawn, it
    ignores SIGINT (the master's shutdown stops it) and dies of SIGTERM and SIGHUP."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    asyncio_worker(config, sockets, shutdown_event)


def _join_exited(processes: list[BaseProcess]) -> int:
    exitcode = 0
    for index in reversed(range(len(processes))):
        worker = processes[index]
        if worker.exitcode is not None:
            worker.join()
            exitcode = worker.exitcode if exitcode == 0 else exitcode
            del processes[index]
    return exitcode
