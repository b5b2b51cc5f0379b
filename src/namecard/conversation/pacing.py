"""Per-user photo pacing, pure: a GCRA reservation per user plus a flood pause; never a drop."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

SECONDS_PER_MINUTE = 60.0
NOTICE_INTERVAL_SECONDS = 60.0  # at most one "your photos are queued" notice a minute
STATE_MARGIN_SECONDS = 300.0  # pacing state is kept this long past its horizon, then forgotten


@dataclass(frozen=True, slots=True)
class PaceLimits:
    """`rate_per_min` photos may start at once, then one every 60/rate s; more than
    `flood_limit` photos within `flood_window` s pause the user for `pause_seconds`."""

    rate_per_min: int
    flood_limit: int
    flood_window: float
    pause_seconds: float

    @property
    def interval(self) -> float:
        return SECONDS_PER_MINUTE / max(self.rate_per_min, 1)

    @property
    def tolerance(self) -> float:
        """How far ahead of its slot a photo may start: the burst, in GCRA terms."""
        return (max(self.rate_per_min, 1) - 1) * self.interval


@dataclass(frozen=True, slots=True)
class Admission:
    """When this photo may start (`delay` s from now) and what the user should be told."""

    delay: float
    waiting: int
    paused_until: float | None
    notify_waiting: bool
    notify_paused: bool


@dataclass(frozen=True, slots=True)
class PaceState:
    """One user's pacing memory. `tat` is the GCRA theoretical arrival time of the next photo;
    `recent` the arrival times inside the flood window (at most `flood_limit`, oldest first)."""

    tat: float = 0.0
    recent: tuple[float, ...] = ()
    paused_until: float = 0.0
    waiting: int = 0
    noticed_at: float | None = None

    def to_json(self) -> str:
        data = {
            "tat": self.tat,
            "recent": list(self.recent),
            "paused_until": self.paused_until,
            "waiting": self.waiting,
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes | None, noticed_at: float | None = None) -> PaceState:
        """The state stored without its notice time (kept apart, with its own expiry)."""
        if not raw:
            return cls(noticed_at=noticed_at)
        data = json.loads(raw)
        return cls(
            tat=float(data["tat"]),
            recent=tuple(float(t) for t in data["recent"]),
            paused_until=float(data["paused_until"]),
            waiting=int(data["waiting"]),
            noticed_at=noticed_at,
        )


def horizon(state: PaceState, limits: PaceLimits) -> float:
    """The last moment this state still matters: after it a user starts afresh."""
    last_seen = state.recent[-1] + limits.flood_window if state.recent else 0.0
    return max(state.tat, state.paused_until, last_seen)


def admit(state: PaceState, now: float, limits: PaceLimits) -> tuple[Admission, PaceState]:
    """Reserve a start time for one photo arriving at `now`; returns the decision and new state."""
    if now > horizon(state, limits) + STATE_MARGIN_SECONDS:
        state = PaceState(noticed_at=state.noticed_at)  # a delayed photo never reported its start
    paused_until = state.paused_until if state.paused_until > now else 0.0
    recent = (*(t for t in state.recent if t > now - limits.flood_window), now)
    notify_paused = not paused_until and len(recent) > limits.flood_limit
    if notify_paused:
        paused_until, recent = now + limits.pause_seconds, ()
    not_before = max(now, paused_until)
    delay = max(not_before, state.tat - limits.tolerance) - now
    waiting = state.waiting + (1 if delay > 0 else 0)
    notify_waiting = delay > 0 and (
        state.noticed_at is None or now - state.noticed_at >= NOTICE_INTERVAL_SECONDS
    )
    new_state = PaceState(
        tat=max(state.tat, not_before) + limits.interval,
        recent=recent[-max(limits.flood_limit, 1) :],
        paused_until=paused_until,
        waiting=waiting,
        noticed_at=now if notify_waiting else state.noticed_at,
    )
    admission = Admission(delay, waiting, paused_until or None, notify_waiting, notify_paused)
    return admission, new_state


def backlog(state: PaceState, limits: PaceLimits, now: float) -> tuple[int, float]:
    """Photos still waiting, and seconds until the last of them may start."""
    if state.waiting <= 0:
        return 0, 0.0
    last_start = max(state.paused_until, state.tat - limits.interval - limits.tolerance)
    return state.waiting, max(last_start - now, 0.0)


def started(state: PaceState) -> PaceState:
    """A delayed photo has started: one fewer waiting, never below zero."""
    return replace(state, waiting=max(state.waiting - 1, 0))


def ttl_seconds(state: PaceState, limits: PaceLimits, now: float) -> int:
    """How long a store should keep this state (whole seconds, at least the margin)."""
    return int(max(horizon(state, limits) - now, 0.0) + STATE_MARGIN_SECONDS) + 1
