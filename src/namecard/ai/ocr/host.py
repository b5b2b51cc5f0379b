"""The OCR process of an instance: one offline reader serving every worker over a Unix socket.

    python -m namecard.ai.ocr.host --socket PATH --instance PID [--log-level INFO]

Started by the first worker that needs it (`shared.SharedOfflineReader`), it reads one photo at
a time with ONNX Runtime's threads sized to the cores (`engine.new_engine`), so memory and CPU
do not multiply with the workers. Photos wait in a bounded queue; past it a worker is told the
reader is busy (a retryable error). A photo whose asker has gone (deadline, cancelled job) is
skipped. It ignores SIGTERM and SIGINT: the workers may still need it while they drain, so it
leaves with its instance (checked every second) or when killed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

import psutil

from namecard.ai.base import Extractor
from namecard.ai.ocr.channel import (
    HostPlace,
    encode,
    error_message,
    read_frame,
    read_message,
)
from namecard.domain import catalogue
from namecard.domain.codec import extraction_to_json
from namecard.domain.errors import NamecardError, TransientError

logger = logging.getLogger(__name__)

# Photos waiting for the reader (about 1–3 s each on 2 cores): more would outlast the job
# deadline (JOB_DEADLINE_SECONDS, 55 s) anyway; the asker retries later instead.
QUEUE_SIZE = 16
INSTANCE_CHECK_SECONDS = 1.0


class OcrHost:
    """Serves readings of `reader` (the in-process OfflineExtractor) one at a time."""

    def __init__(self, reader: Extractor, *, queue_size: int = QUEUE_SIZE) -> None:
        self._reader = reader
        self._queue_size = queue_size
        self._waiting = 0
        self._turn = asyncio.Lock()
        self.served = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            header = await read_message(reader)
            image = await read_frame(reader)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            writer.close()  # a readiness probe, or an asker that gave up while sending
            return
        try:
            answer = await self._answer(reader, image, str(header.get("mime", "")))
            if answer is not None:
                writer.write(encode(answer))
                await writer.drain()
        except ConnectionError:
            logger.info("the worker that asked for a reading has gone")
        finally:
            writer.close()

    async def _answer(
        self, reader: asyncio.StreamReader, image: bytes, mime_type: str
    ) -> dict[str, Any] | None:
        if self._waiting >= self._queue_size:
            busy = TransientError("the OCR process's queue is full")
            return error_message(_with_sentence(busy, catalogue.READER_BUSY))
        self._waiting += 1
        gone = asyncio.ensure_future(reader.read(1))  # end of stream: the asker gave up
        try:
            async with self._turn:
                if gone.done():
                    logger.info("skipping a photo whose asker has gone")
                    return None
                return await self._read(image, mime_type)
        finally:
            self._waiting -= 1
            gone.cancel()

    async def _read(self, image: bytes, mime_type: str) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            extraction = await self._reader.extract(image, mime_type)
        except NamecardError as exc:
            return error_message(exc)
        self.served += 1
        seconds = round(time.perf_counter() - started, 3)
        return {"extraction": extraction_to_json(extraction), "seconds": seconds}


def _with_sentence(exc: NamecardError, sentence: catalogue.Sentence) -> NamecardError:
    exc.user_message = sentence
    return exc


def _alive(pid: int) -> bool:
    """The instance runs: a process that has exited but not been collected by its parent yet
    (a zombie: `namecard scan` whose caller still reads its output, which this process holds
    open too) has gone as far as the OCR process is concerned."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # another account's process: it is there
        return True


def _until_instance_gone(instance: int) -> None:
    """Blocks (on a thread of its own) until the instance's master has gone."""
    while _alive(instance):
        time.sleep(INSTANCE_CHECK_SECONDS)
    logger.info("instance %s has stopped: the OCR process stops too", instance)


def _publish(socket_path: Path, pid_file: Path) -> None:
    pid_file.write_text(f"{os.getpid()}\n", encoding="ascii")
    logger.info("OCR process %s listening on %s", os.getpid(), socket_path)


def _leave(socket_path: Path, pid_file: Path) -> None:
    with contextlib.suppress(OSError):
        socket_path.unlink()
    with contextlib.suppress(OSError):
        if pid_file.read_text(encoding="ascii").strip() == str(os.getpid()):
            pid_file.unlink()


async def serve(socket_path: Path, pid_file: Path, instance: int) -> None:
    """Listen on `socket_path` until the instance's master has gone."""
    from namecard.ai.decode_budget import map_large_arrays, map_large_images
    from namecard.ai.ocr.offline import OfflineExtractor

    map_large_images()
    map_large_arrays()
    reader = OfflineExtractor()
    host = OcrHost(reader)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(socket_path)  # left by a process that was killed; the start lock is held
    server = await asyncio.start_unix_server(host.handle, path=str(socket_path))
    _publish(socket_path, pid_file)
    try:
        async with server:
            await asyncio.to_thread(_until_instance_gone, instance)
        # Only once the instance has gone: while it lives, a worker may hold the lock to start
        # a new OCR process, and a second file made at the same path would let two start.
        HostPlace(socket_path.parent, instance).lock.unlink(missing_ok=True)
    finally:
        await reader.aclose()
        _leave(socket_path, pid_file)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--pid-file", type=Path, required=True)
    parser.add_argument("--instance", type=int, required=True)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s [ocr] %(name)s %(message)s"
    )
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    asyncio.run(serve(args.socket, args.pid_file, args.instance))


if __name__ == "__main__":
    main()
