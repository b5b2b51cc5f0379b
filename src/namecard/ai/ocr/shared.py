"""The offline reader as every worker sees it: a client of the instance's one OCR process.

The first worker that needs a reading starts the process (`host.py`) under a file lock, so
the workers of an instance start one between them; a worker that finds it gone (killed, out of
memory) starts it again the same way, and a photo that was being read when it died is asked
once more of the new process. The worker itself never imports the OCR stack (cv2, ONNX
Runtime, RapidOCR: ~180 MB per process), whatever WORKERS is: with one worker the same child
process reads, so the same code runs in the embedded default and in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import socket
import subprocess
import sys
import time
from typing import Any

import psutil

from namecard.ai.ocr.channel import HostPlace, encode, error_from, frame_parts, read_message
from namecard.ai.ocr.version import MODEL, SOURCE, VERSION
from namecard.cards.model import Extraction
from namecard.domain import catalogue
from namecard.domain.codec import extraction_from_json
from namecard.domain.errors import ExtractionFailed, TransientError

logger = logging.getLogger(__name__)

# Importing the OCR stack takes a few seconds, more on a busy machine.
START_TIMEOUT_SECONDS = 90.0
_PROBE_INTERVAL = 0.05
BUSY_RETRY_SECONDS = 2.0
GONE_TIMEOUT_SECONDS = 5.0
_HOST_MODULE = "namecard.ai.ocr.host"


class HostGone(Exception):
    """The OCR process closed the connection before answering (it died, or was killed)."""


class SharedOfflineReader:
    """Reads with the instance's OCR process; same name and version as the in-process reader,
    so cached readings are shared between the two."""

    name = SOURCE
    version = VERSION

    def __init__(self, place: HostPlace, *, log_level: str = "INFO") -> None:
        self.place = place
        self._log_level = log_level
        self._started: subprocess.Popen[bytes] | None = None
        self._closed = False
        self.restarts = 0

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        if self._closed:
            raise ExtractionFailed("offline reader is closed")
        started = time.perf_counter()
        try:
            answer = await self._ask(image, mime_type)
        except HostGone:
            logger.warning("the OCR process went away while reading a photo: asking again")
            self.restarts += 1
            # Its listening socket may outlive the connection by a moment: wait until it is gone.
            await asyncio.to_thread(_wait_gone, self.place.host_pid())
            try:
                answer = await self._ask(image, mime_type)
            except HostGone as exc:
                raise ExtractionFailed("the OCR process died twice on this photo") from exc
        extraction = self._extraction(answer)
        logger.info(
            "offline read %s card(s) from a %s photo in %.2fs (OCR process: %.2fs)",
            len(extraction.cards),
            mime_type,
            time.perf_counter() - started,
            float(answer.get("seconds", 0.0)),
        )
        return extraction

    @staticmethod
    def _extraction(answer: dict[str, Any]) -> Extraction:
        if "error" in answer:
            error = error_from(answer)
            if isinstance(error, TransientError) and error.user_message == catalogue.READER_BUSY:
                error.retry_after = BUSY_RETRY_SECONDS
            raise error
        extraction = extraction_from_json(answer.get("extraction"))
        if extraction is None:
            raise ExtractionFailed("the OCR process answered something unreadable")
        return Extraction(cards=extraction.cards, source=SOURCE, model=MODEL)

    async def _ask(self, image: bytes, mime_type: str) -> dict[str, Any]:
        reader, writer = await self._connect()
        try:
            writer.write(encode({"mime": mime_type}))
            writer.writelines(frame_parts(image))  # the photo is not copied into a frame
            await writer.drain()
            return await read_message(reader)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise HostGone from exc
        finally:
            writer.close()

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        path = str(self.place.socket)
        with contextlib.suppress(FileNotFoundError, ConnectionRefusedError):
            return await asyncio.open_unix_connection(path)
        await asyncio.to_thread(self._start_host)
        try:
            return await asyncio.open_unix_connection(path)
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise ExtractionFailed("the OCR process did not start") from exc

    def _start_host(self) -> None:
        """Start the OCR process unless another worker has (blocking: run off the loop)."""
        with self.place.lock.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _accepts(self.place):
                return
            self._reap()
            self._started = subprocess.Popen(  # noqa: S603 - our own module, no shell
                [
                    sys.executable, "-m", _HOST_MODULE,
                    "--socket", str(self.place.socket),
                    "--pid-file", str(self.place.pid_file),
                    "--instance", str(self.place.instance),
                    "--log-level", self._log_level,
                ],
                stdin=subprocess.DEVNULL,
            )  # fmt: skip
            logger.info("started the OCR process %s for this instance", self._started.pid)
            self._wait_ready(self._started)

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if _accepts(self.place):
                return
            time.sleep(_PROBE_INTERVAL)
        logger.error("the OCR process did not start (exit code %s)", process.poll())

    def _reap(self) -> None:
        """Collect the exit of a process this worker started earlier (no zombie left)."""
        if self._started is not None and self._started.poll() is not None:
            self._started = None

    async def aclose(self) -> None:
        """The OCR process is the instance's, not this worker's: it stays for the others and
        leaves with the instance."""
        self._closed = True


def _wait_gone(pid: int | None) -> None:
    deadline = time.monotonic() + GONE_TIMEOUT_SECONDS
    while pid is not None and time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.Error:
            return
        time.sleep(_PROBE_INTERVAL)


def _accepts(place: HostPlace) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(place.socket))
        except OSError:
            return False
    return True
