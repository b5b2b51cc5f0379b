"""The whole service as the history holds it: totals per instance, a recent window, and which
instances are live (pure apart from `read_view`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from namecard.metrics.history import Beat, History, beat_field
from namecard.metrics.ledger import SEP
from namecard.metrics.window import Window, hours_of, minutes_of, read_window

DEFAULT_GONE_SECONDS = 60.0


@dataclass
class ServiceView:
    now: float
    totals: dict[str, Counter[str]]  # instance → counter → lifetime events
    window: Window  # the last STATS_WINDOW_HOURS
    instances: dict[str, dict[str, Any]] = field(default_factory=dict)

    def total(self, counter: str) -> int:
        return sum(counts[counter] for counts in self.totals.values())

    def per_instance(self, names: Mapping[str, str]) -> dict[str, dict[str, int]]:
        """{instance: {field: lifetime events}} for `names` ({field: counter})."""
        ids = sorted(set(self.totals) | set(self.instances))
        return {
            instance: {name: self.totals.get(instance, Counter())[c] for name, c in names.items()}
            for instance in ids
        }

    @property
    def live(self) -> list[dict[str, Any]]:
        return [record for record in self.instances.values() if record["status"] == "live"]


async def read_view(
    history: History, *, now: float, window_hours: float, gone_after: float, own: Beat
) -> ServiceView:
    since = now - window_hours * 3600
    hours = await history.hours(hours_of(since, now))
    window = read_window(hours, *minutes_of(since, now))
    beats = {beat_field(b): b for b in await history.beats()}
    beats[beat_field(own)] = own  # this worker's figures as they are now
    return ServiceView(
        now, split_totals(await history.totals()), window,
        instance_records(beats.values(), now=now, gone_after=gone_after),
    )  # fmt: skip


def split_totals(totals: Mapping[str, int]) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {}
    for name, value in totals.items():
        counter, _, instance = name.partition(SEP)
        found.setdefault(instance, Counter())[counter] += int(value)
    return found


def instance_records(
    beats: Iterable[Beat], *, now: float, gone_after: float
) -> dict[str, dict[str, Any]]:
    """Per instance: its live workers' figures summed; an instance none of whose workers
    reported within `gone_after` seconds (or all of which said they stopped) is `gone` (kept,
    with zeros for live figures)."""
    grouped: dict[str, list[Beat]] = {}
    for beat in beats:
        grouped.setdefault(str(beat["instance"]), []).append(beat)
    return {
        instance: _record(found, now=now, gone_after=gone_after)
        for instance, found in sorted(grouped.items())
    }


def _record(beats: list[Beat], *, now: float, gone_after: float) -> dict[str, Any]:
    live = [b for b in beats if now - b["last_seen"] <= gone_after and not b.get("stopped")]
    last_seen = max(b["last_seen"] for b in beats)
    return {
        "status": "live" if live else "gone",
        "workers": len(live),
        "uptime_seconds": round(now - min(b["started_at"] for b in live), 1) if live else None,
        "active_tasks": sum(b["active_tasks"] for b in live),
        "queue_depth": sum(b["queue_depth"] for b in live),
        "capacity": sum(b["capacity"] for b in live),
        # Resident memory of the live workers' processes; `processes` names each one.
        "rss_mb": round(sum(b["rss_mb"] for b in live), 1),
        "last_seen": iso(last_seen),
        "seconds_since_seen": round(now - last_seen, 1),
        "processes": {
            f"{name}-{b['pid']}" if name == "worker" else f"{name}-of-{b['pid']}": {
                **process, "status": "live" if b in live else "gone"
            }
            for b in beats
            for name, process in b["processes"].items()
        },
    }  # fmt: skip


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
