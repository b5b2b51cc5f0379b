"""Where the service's figures are kept: the History protocol and its in-process form.

The Redis form (`history_redis.py`) is shared by every worker of every instance; without
Redis the same batches land in this process's dictionaries, so the reports are built by the
same code either way.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from namecard.metrics.ledger import HOUR, SEP, Batch
from namecard.metrics.window import HourFields

RETENTION_SECONDS = 8 * 24 * HOUR  # the report covers 7 days; one more for the hour edges

Beat = dict[str, Any]  # one worker's heartbeat: see recorder.Recorder.beat


def beat_field(beat: Mapping[str, Any]) -> str:
    return f"{beat['instance']}{SEP}{beat['pid']}"


class History(Protocol):
    shared: bool  # whether other processes write here too

    async def write(self, batch: Batch, beat: Beat) -> None: ...

    async def hours(self, hours: list[int]) -> dict[int, HourFields]: ...

    async def totals(self) -> dict[str, int]:
        """Lifetime events per `counter|instance`."""
        ...

    async def beats(self) -> list[Beat]: ...


class MemoryHistory:
    """One process's history, kept as long as the Redis one would be."""

    shared = False

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._hours: dict[int, dict[str, int]] = {}
        self._totals: Counter[str] = Counter()
        self._beats: dict[str, str] = {}

    async def write(self, batch: Batch, beat: Beat) -> None:
        for hour, fields in batch.adds.items():
            stored = self._hours.setdefault(hour, {})
            for name, amount in fields.items():
                stored[name] = stored.get(name, 0) + amount
        for hour, peaks in batch.peaks.items():
            self._hours.setdefault(hour, {}).update(peaks)
        self._totals.update(batch.totals)
        self._beats[beat_field(beat)] = json.dumps(beat)
        oldest = int((self._clock() - RETENTION_SECONDS) // HOUR)
        for hour in [h for h in self._hours if h < oldest]:
            del self._hours[hour]

    async def hours(self, hours: list[int]) -> dict[int, HourFields]:
        return {hour: dict(self._hours[hour]) for hour in hours if hour in self._hours}

    async def totals(self) -> dict[str, int]:
        return dict(self._totals)

    async def beats(self) -> list[Beat]:
        return [json.loads(raw) for raw in self._beats.values()]
