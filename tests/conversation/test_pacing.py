"""Per-user pacing decisions: a burst starts at once, the rest are spread out, floods pause."""

from __future__ import annotations

import pytest

from namecard.conversation.pacing import (
    NOTICE_INTERVAL_SECONDS,
    STATE_MARGIN_SECONDS,
    Admission,
    PaceLimits,
    PaceState,
    admit,
    backlog,
    started,
)

NOW = 1_750_000_000.0
LIMITS = PaceLimits(rate_per_min=10, flood_limit=100, flood_window=600.0, pause_seconds=300.0)


def admit_all(times: list[float], limits: PaceLimits = LIMITS) -> tuple[list[Admission], PaceState]:
    state, admissions = PaceState(), []
    for now in times:
        admission, state = admit(state, now, limits)
        admissions.append(admission)
    return admissions, state


def test_a_burst_of_rate_photos_starts_now_and_the_rest_six_seconds_apart() -> None:
    admissions, _ = admit_all([NOW] * 30)
    assert [a.delay for a in admissions] == pytest.approx(
        [0.0] * 10 + [6.0 * n for n in range(1, 21)]
    )
    assert [a.waiting for a in admissions] == [0] * 10 + list(range(1, 21))
    assert [a.notify_waiting for a in admissions] == [False] * 10 + [True] + [False] * 19
    assert not any(a.notify_paused or a.paused_until for a in admissions)


def test_the_backlog_is_every_photo_waiting_and_when_the_last_starts() -> None:
    _, state = admit_all([NOW] * 14)
    waiting, seconds = backlog(state, LIMITS, NOW)
    assert waiting == 4
    assert seconds == pytest.approx(24.0)
    assert backlog(state, LIMITS, NOW + 30.0) == (4, 0.0)  # late, never negative
    assert backlog(PaceState(), LIMITS, NOW) == (0, 0.0)


def test_photos_arriving_at_the_rate_are_never_delayed() -> None:
    admissions, _ = admit_all([NOW + 6.0 * n for n in range(40)])
    assert all(a.delay == 0 for a in admissions)


def test_the_waiting_notice_repeats_at_most_once_a_minute() -> None:
    admissions, state = admit_all([NOW] * 30)  # reservations run two minutes ahead
    again, state = admit(state, NOW + NOTICE_INTERVAL_SECONDS - 1, LIMITS)
    later, _ = admit(state, NOW + NOTICE_INTERVAL_SECONDS, LIMITS)
    assert [a.notify_waiting for a in admissions].count(True) == 1
    assert again.delay > 0 and not again.notify_waiting
    assert later.delay > 0 and later.notify_waiting


def test_started_photos_leave_the_waiting_count_which_never_goes_below_zero() -> None:
    _, state = admit_all([NOW] * 12)
    assert state.waiting == 2
    for _ in range(3):
        state = started(state)
    assert state.waiting == 0


def test_a_state_long_past_its_horizon_is_forgotten() -> None:
    """A worker that died never reported its photo started: the count must not stick forever."""
    _, state = admit_all([NOW] * 12)
    admission, _ = admit(state, NOW + 600 + STATE_MARGIN_SECONDS + 1, LIMITS)
    assert admission == Admission(0.0, 0, None, False, False)


def test_more_than_the_flood_limit_in_the_window_pauses_the_user_once() -> None:
    fast = PaceLimits(rate_per_min=1000, flood_limit=100, flood_window=600.0, pause_seconds=300.0)
    times = [NOW + 5.0 * n for n in range(101)]  # 101 photos in 500 s
    admissions, state = admit_all(times, fast)
    flood = admissions[-1]
    assert not any(a.notify_paused for a in admissions[:100])
    assert flood.notify_paused
    assert flood.paused_until == pytest.approx(times[-1] + 300)
    assert flood.delay == pytest.approx(300)
    during, state = admit(state, times[-1] + 100, fast)
    assert not during.notify_paused
    assert during.paused_until == flood.paused_until
    assert during.delay >= 200 - 1e-9  # delayed, never dropped
    after, _ = admit(state, times[-1] + 301, fast)
    assert after.paused_until is None and not after.notify_paused


def test_the_state_survives_its_json_form() -> None:
    _, state = admit_all([NOW] * 15)
    restored = PaceState.from_json(state.to_json(), state.noticed_at)
    assert restored == state
