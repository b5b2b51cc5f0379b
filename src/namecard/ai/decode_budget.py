"""How much image decoding runs at once: a memory budget, a small thread pool, memory handed back.

Decoding is the one step whose memory grows with what a user sends, so it is bounded per process
whatever `MAX_CONCURRENT_AI` allows: every decode reserves what its header says it will cost
(`images.decode`) and waits while the decodes already running hold the rest of the budget.
The budget and the pool are process-wide like Pillow's own state; the pool's threads start on
first use, and running decodes on the same two threads keeps their memory in two malloc arenas
instead of one per `asyncio.to_thread` worker. Measured with `make bench-hostile`:
`MALLOC_ARENA_MAX=2` changed nothing worth having, so the start script does not set it; Pillow's
larger blocks and `malloc_trim` after a large decode are what hand memory back.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from PIL import _imaging as pillow_core  # Image.core; its documented set_block_size

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

MB = 1024 * 1024
# What decodes may hold at once, sized for a 1 GB container (measured with make bench-hostile):
# idle ~150 MB in Gemini mode, ~280 MB once the offline reader has read a card (its heap is
# trimmed after each reading), whose reading of a 1600 px page adds up to ~450 MB (one page at a
# time); these 200 MB on top stay under 1 GB. The costliest photo the default MAX_IMAGE_PIXELS
# lets in (a 12 Mpx WebP, 16 bytes per pixel while decoded: 192 MB) fits in it alone.
DECODE_BUDGET_BYTES = 200 * MB
DECODE_THREADS = 2
# After a decode this large, freed pages are handed back to the system (see `release_memory`).
TRIM_AFTER_BYTES = 32 * MB
# Pillow's allocation unit for image memory (see `map_large_images`).
PILLOW_BLOCK_BYTES = 64 * MB
# The OCR process's fixed mmap threshold (see `map_large_arrays`) and glibc's mallopt parameter
# for it (M_MMAP_THRESHOLD in malloc.h).
OCR_MMAP_THRESHOLD_BYTES = 16 * MB
_M_MMAP_THRESHOLD = -3


class DecodeBudget:
    """A weighted semaphore over bytes: small decodes run side by side, a large one runs alone.
    A cost above the whole budget is still served once nothing else runs (never deadlocks)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._held = 0
        self._changed = threading.Condition()

    @property
    def held(self) -> int:
        return self._held

    @contextmanager
    def reserve(self, cost: int) -> Iterator[None]:
        wanted = min(max(cost, 0), self.capacity)
        with self._changed:
            self._changed.wait_for(lambda: self._held + wanted <= self.capacity)
            self._held += wanted
        try:
            yield
        finally:
            with self._changed:
                self._held -= wanted
                self._changed.notify_all()


DECODE_BUDGET = DecodeBudget(DECODE_BUDGET_BYTES)
_POOL = ThreadPoolExecutor(max_workers=DECODE_THREADS, thread_name_prefix="image-decode")


async def run_decode(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work` on the decode threads, off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, functools.partial(work, *args, **kwargs))


@functools.cache
def _glibc(name: str) -> Callable[..., int] | None:
    """glibc's function `name` (malloc_trim, mallopt); None under another C library (musl,
    macOS), whose allocator keeps its own defaults."""
    try:
        function: Callable[..., int] = getattr(ctypes.CDLL(ctypes.util.find_library("c")), name)
    except (OSError, AttributeError, TypeError):
        return None
    return function


def map_large_images() -> None:
    """Once per process, at start-up. glibc gives an allocation above its mmap threshold a mapping
    of its own, returned to the system when freed, but raises that threshold after each such free
    (up to 32 MB). Pillow allocates an image in blocks of 16 MB, so after one large decode every
    block came from the heap and stayed held. In blocks of 64 MB, any image over 32 MB is one
    allocation above the threshold's ceiling: mapped, and handed back as soon as it is freed."""
    pillow_core.set_block_size(PILLOW_BLOCK_BYTES)


def map_large_arrays(threshold: int = OCR_MMAP_THRESHOLD_BYTES) -> None:
    """Once, at the OCR process's start: every allocation from `threshold` up gets a mapping of
    its own, handed back when freed. ONNX Runtime's tensors and OpenCV's arrays of a page are
    freed and asked for again between the steps of a reading, on several threads; under glibc's
    sliding threshold (raised to 32 MB by the first large free) they came from per-thread heaps
    that kept what they once held. Reading 12 fixture photos (issue 19): peak 545-658 MB with
    the sliding threshold, 439-449 MB at 16 MB, same seconds; 8 MB and below cost 20-90 % more
    time (fresh pages for every tensor), 32 MB lowered nothing."""
    mallopt = _glibc("mallopt")
    if mallopt is not None and not mallopt(_M_MMAP_THRESHOLD, threshold):
        logger.warning("mallopt refused an mmap threshold of %d bytes", threshold)


def release_memory(cost: int) -> None:
    """After a large decode, hands the heap pages freed meanwhile back to the system."""
    if cost >= TRIM_AFTER_BYTES:
        trim_heap()


def trim_heap() -> None:
    """Hands the heap pages freed so far back to the system (glibc; elsewhere nothing)."""
    trim = _glibc("malloc_trim")
    if trim is not None:
        trim(0)
