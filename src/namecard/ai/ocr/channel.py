"""The local channel between the workers of an instance and its one OCR process.

Where it lives: a Unix socket, its start lock and the process's pid file, in a directory only
this user can enter, named after the instance (the Hypercorn master's pid; a single-process
server is its own instance). What crosses it: length-prefixed frames, the photo's bytes in
memory (never a file) one way, the reading as the cache's JSON the other way.
Kept free of the OCR stack: every worker imports it.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from namecard.domain.catalogue import Sentence
from namecard.domain.errors import (
    ContentRejected,
    ExtractionFailed,
    NamecardError,
    NoExtractorConfigured,
    TransientError,
)

_LENGTH = struct.Struct("!I")
# A frame above this is refused: photos are capped far below it (MAX_IMAGE_MB, 10 MB default).
MAX_FRAME_BYTES = 64 * 1024 * 1024
# The errors a reading may end with, by name: anything else arrives as ExtractionFailed.
_ERRORS: dict[str, type[NamecardError]] = {
    cls.__name__: cls
    for cls in (ContentRejected, ExtractionFailed, NoExtractorConfigured, TransientError)
}


def instance_pid() -> int:
    """The instance this process belongs to: the master that spawned it (a Hypercorn worker),
    else the process itself (`namecard serve` with one worker, `namecard scan`, tests)."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None and parent.pid is not None else os.getpid()


@dataclass(frozen=True)
class HostPlace:
    """Where the OCR process of one instance listens, and the files that go with it."""

    directory: Path
    instance: int

    @classmethod
    def of_this_instance(cls) -> HostPlace:
        return cls(runtime_directory(), instance_pid())

    @property
    def socket(self) -> Path:
        return self.directory / f"ocr-{self.instance}.sock"

    @property
    def lock(self) -> Path:
        return self.directory / f"ocr-{self.instance}.lock"

    @property
    def pid_file(self) -> Path:
        return self.directory / f"ocr-{self.instance}.pid"

    def host_pid(self) -> int | None:
        """The OCR process's pid, when it has started (it may have died since)."""
        try:
            return int(self.pid_file.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None


def runtime_directory() -> Path:
    """A directory of this user's only (mode 0700): no other account can reach the socket."""
    path = Path(tempfile.gettempdir()) / f"namecard-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def frame(payload: bytes) -> bytes:
    return _LENGTH.pack(len(payload)) + payload


def frame_parts(payload: bytes) -> tuple[bytes, bytes]:
    """A frame as its length and its payload, for writing a large payload without a copy."""
    return _LENGTH.pack(len(payload)), payload


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """One frame; IncompleteReadError when the other side went away, ValueError if oversized."""
    (size,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    if size > MAX_FRAME_BYTES:
        raise ValueError(f"frame of {size} bytes refused")
    return await reader.readexactly(size)


def encode(message: dict[str, Any]) -> bytes:
    return frame(json.dumps(message, ensure_ascii=False).encode())


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any]:
    message = json.loads(await read_frame(reader))
    if not isinstance(message, dict):
        raise ValueError("a message is a JSON object")
    return message


def error_message(exc: NamecardError) -> dict[str, Any]:
    """An error of the reading, with the catalogue sentence the user is to see."""
    sentence = exc.user_message
    kind = type(exc).__name__ if type(exc).__name__ in _ERRORS else ExtractionFailed.__name__
    return {"error": kind, "detail": str(exc), "zh": sentence.zh, "en": sentence.en}


def error_from(message: dict[str, Any]) -> NamecardError:
    """The error an `error_message` describes, raised in the worker that asked."""
    cls = _ERRORS.get(str(message.get("error")), ExtractionFailed)
    sentence = Sentence(str(message.get("zh", "")), str(message.get("en", "")))
    return cls(str(message.get("detail", "")), user_message=sentence)
